/* pr-sim-types.c — enumerations and small helpers of the phone simulator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-sim-types.h"

#include <string.h>

G_DEFINE_ENUM_TYPE (PrSimProfile, pr_sim_profile,
  G_DEFINE_ENUM_VALUE (PR_SIM_PROFILE_BOOTROM, "bootrom"),
  G_DEFINE_ENUM_VALUE (PR_SIM_PROFILE_UPDATER, "updater"),
  G_DEFINE_ENUM_VALUE (PR_SIM_PROFILE_UP_TO_DATE, "up-to-date"))

G_DEFINE_ENUM_TYPE (PrSimFault, pr_sim_fault,
  G_DEFINE_ENUM_VALUE (PR_SIM_FAULT_NONE, "none"),
  G_DEFINE_ENUM_VALUE (PR_SIM_FAULT_CUT_ONCE, "cut-once"),
  G_DEFINE_ENUM_VALUE (PR_SIM_FAULT_CUT_ALWAYS, "cut-always"))

G_DEFINE_ENUM_TYPE (PrSimOutcome, pr_sim_outcome,
  G_DEFINE_ENUM_VALUE (PR_SIM_OUTCOME_NONE, "running"),
  G_DEFINE_ENUM_VALUE (PR_SIM_OUTCOME_BOOTED, "booted"),
  G_DEFINE_ENUM_VALUE (PR_SIM_OUTCOME_GAVE_UP, "gave-up"))

G_DEFINE_BOXED_TYPE (PrSimRequest, pr_sim_request, pr_sim_request_copy, pr_sim_request_free)

static const char *
enum_nick (GType type,
           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  return enum_value != NULL ? enum_value->value_nick : NULL;
}

static gboolean
enum_from_nick (GType       type,
                const char *nick,
                int        *value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *enum_value;

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (type);
  enum_value = g_enum_get_value_by_nick (klass, nick);
  if (enum_value == NULL)
    return FALSE;

  *value = enum_value->value;
  return TRUE;
}

const char *
pr_sim_profile_to_string (PrSimProfile profile)
{
  return enum_nick (PR_SIM_TYPE_PROFILE, profile);
}

gboolean
pr_sim_profile_from_string (const char   *text,
                            PrSimProfile *profile)
{
  int value;

  if (!enum_from_nick (PR_SIM_TYPE_PROFILE, text, &value))
    return FALSE;
  *profile = value;
  return TRUE;
}

const char *
pr_sim_fault_to_string (PrSimFault fault)
{
  return enum_nick (PR_SIM_TYPE_FAULT, fault);
}

gboolean
pr_sim_fault_from_string (const char *text,
                          PrSimFault *fault)
{
  int value;

  if (!enum_from_nick (PR_SIM_TYPE_FAULT, text, &value))
    return FALSE;
  *fault = value;
  return TRUE;
}

const char *
pr_sim_outcome_to_string (PrSimOutcome outcome)
{
  return enum_nick (PR_SIM_TYPE_OUTCOME, outcome);
}

PrSimRequest *
pr_sim_request_new (const char *method,
                    const char *path,
                    guint       status,
                    goffset     bytes,
                    gboolean    complete)
{
  PrSimRequest *request = g_new0 (PrSimRequest, 1);

  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->status = status;
  request->bytes = bytes;
  request->complete = complete;
  return request;
}

PrSimRequest *
pr_sim_request_copy (const PrSimRequest *request)
{
  return pr_sim_request_new (request->method, request->path, request->status,
                             request->bytes, request->complete);
}

void
pr_sim_request_free (PrSimRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->path);
  g_free (request);
}

/* One dotted segment: its number, then whatever letters follow it */
static const char *
parse_segment (const char *p,
               guint64    *number,
               const char **suffix,
               gsize       *suffix_len)
{
  char *end = NULL;

  *number = g_ascii_strtoull (p, &end, 10);
  if (end == p)
    *number = 0;
  *suffix = end;
  while (*end != '\0' && *end != '.')
    end++;
  *suffix_len = end - *suffix;
  return *end == '.' ? end + 1 : end;
}

static int
compare_suffix (const char *a,
                gsize       a_len,
                const char *b,
                gsize       b_len)
{
  int cmp = strncmp (a, b, MIN (a_len, b_len));

  if (cmp != 0)
    return cmp < 0 ? -1 : 1;
  return a_len == b_len ? 0 : (a_len < b_len ? -1 : 1);
}

int
pr_sim_version_compare (const char *a,
                        const char *b)
{
  if (a == NULL || b == NULL)
    return a == b ? 0 : (a == NULL ? -1 : 1);

  while (*a != '\0' || *b != '\0')
    {
      guint64 na, nb;
      const char *sa, *sb;
      gsize la, lb;
      int cmp;

      a = parse_segment (a, &na, &sa, &la);
      b = parse_segment (b, &nb, &sb, &lb);
      if (na != nb)
        return na < nb ? -1 : 1;
      cmp = compare_suffix (sa, la, sb, lb);
      if (cmp != 0)
        return cmp;
    }

  return 0;
}

guint
pr_sim_version_major (const char *version)
{
  if (version == NULL)
    return 0;
  return (guint) g_ascii_strtoull (version, NULL, 10);
}
