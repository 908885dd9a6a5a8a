/* pr-classifier.c — who asked for what, from one request alone (GUIDE §1)
 *
 * Pure functions: no state, no allocation, safe on any input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-classifier.h"

#include <string.h>

#define ZERO_MAC "000000000000"

gboolean
pr_mac_is_valid (const char *text,
                 gsize       len)
{
  if (text == NULL || len < 12)
    return FALSE;
  for (gsize i = 0; i < 12; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;
  return strncmp (text, ZERO_MAC, 12) != 0;
}

static void
copy_mac (char mac[13], const char *from)
{
  for (int i = 0; i < 12; i++)
    mac[i] = g_ascii_tolower (from[i]);
  mac[12] = '\0';
}

static gboolean
has_hex_prefix (const char *text)
{
  for (int i = 0; i < 12; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gsize
copy_word (char *dest, gsize size, const char *from, const char *accept)
{
  gsize n = 0;

  while (from[n] != '\0' && n + 1 < size &&
         (g_ascii_isalnum (from[n]) || strchr (accept, from[n]) != NULL))
    {
      dest[n] = from[n];
      n++;
    }
  dest[n] = '\0';
  return n;
}

/* FileTransport Polycom<Family>-<TOKEN>-UA/<version>[ (SN:<mac>)][ Type/<Application|Updater>] */
gboolean
pr_parse_user_agent (const char *user_agent,
                     char        token[24],
                     char        version[32],
                     char        mac[13],
                     PrSender   *sender)
{
  const char *polycom, *dash, *ua, *sn, *type;
  gboolean browser;

  token[0] = version[0] = mac[0] = '\0';
  *sender = PR_SENDER_UNKNOWN;
  if (user_agent == NULL)
    return FALSE;

  browser = g_str_has_prefix (user_agent, "Microbrowser");
  if (!g_str_has_prefix (user_agent, "FileTransport ") && !browser)
    return FALSE;
  polycom = strstr (user_agent, "Polycom");
  if (polycom == NULL)
    return FALSE;
  dash = strchr (polycom, '-');
  if (dash == NULL)
    return FALSE;
  ua = strstr (dash + 1, "-UA/");
  if (ua == NULL || ua - (dash + 1) >= 24)
    return FALSE;

  memcpy (token, dash + 1, ua - (dash + 1));
  token[ua - (dash + 1)] = '\0';
  ua += strlen ("-UA/");
  while (*ua == ' ')
    ua++;
  copy_word (version, 32, ua, ".");

  sn = strstr (ua, "(SN:");
  if (sn != NULL && pr_mac_is_valid (sn + 4, strnlen (sn + 4, 12)))
    copy_mac (mac, sn + 4);

  type = strstr (ua, "Type/");
  if (browser)
    *sender = PR_SENDER_BROWSER;
  else if (type != NULL && g_str_has_prefix (type + 5, "Application"))
    *sender = PR_SENDER_APPLICATION;
  else if (type != NULL && g_str_has_prefix (type + 5, "Updater"))
    *sender = PR_SENDER_UPDATER;
  return TRUE;
}

static gboolean
str_has_suffix_nocase (const char *text, const char *suffix)
{
  gsize tl = strlen (text), sl = strlen (suffix);

  return tl >= sl && g_ascii_strcasecmp (text + tl - sl, suffix) == 0;
}

/* "<mac>-<suffix>" files: what the suffix says */
static void
classify_mac_file (const char *suffix, PrRequestInfo *out)
{
  if (g_ascii_strcasecmp (suffix, "boot.log") == 0)
    out->kind = PR_FILE_LOG;
  else if (g_ascii_strcasecmp (suffix, "app.log") == 0)
    {
      out->kind = PR_FILE_LOG;
      out->app_only = TRUE;
    }
  else if (str_has_suffix_nocase (suffix, ".xml"))
    {
      out->kind = PR_FILE_DIRECTORY;
      out->app_only = TRUE;
    }
  else if (str_has_suffix_nocase (suffix, ".cfg"))
    {
      out->kind = PR_FILE_APP_CONFIG;
      out->app_only = TRUE;
    }
}

static void
classify_image (const char *name, PrRequestInfo *out)
{
  char candidate[16];

  out->kind = strstr (name, "bootrom") != NULL || strstr (name, "BootROM") != NULL
              ? PR_FILE_BOOTROM_IMAGE : PR_FILE_APP_IMAGE;
  /* "<part>.sip.ld", also doubled "<part>.<part>.sip.ld" */
  if (strlen (name) > 15 && name[14] == '.')
    {
      memcpy (candidate, name, 14);
      candidate[14] = '\0';
      if (pr_models_is_part_number (candidate))
        memcpy (out->part, candidate, 15);
    }
}

static void
classify_name (const char *name, PrRequestInfo *out)
{
  gsize len = strlen (name);

  if (str_has_suffix_nocase (name, ".ld"))
    classify_image (name, out);
  else if (str_has_suffix_nocase (name, ".ver"))
    out->kind = PR_FILE_VERSION;
  else if (len == 16 && has_hex_prefix (name) && g_ascii_strcasecmp (name + 12, ".cfg") == 0)
    {
      out->kind = PR_FILE_MASTER_CONFIG;
      if (pr_mac_is_valid (name, len))
        copy_mac (out->mac, name);
    }
  else if (len > 13 && has_hex_prefix (name) && name[12] == '-')
    {
      classify_mac_file (name + 13, out);
      if (out->kind != PR_FILE_OTHER && pr_mac_is_valid (name, len))
        copy_mac (out->mac, name);
    }
  else if (str_has_suffix_nocase (name, ".cfg"))
    {
      out->kind = PR_FILE_APP_CONFIG;
      out->app_only = TRUE;
    }
}

static PrSender
sender_from_path (const PrRequestInfo *info)
{
  if (info->app_only)
    return PR_SENDER_APPLICATION;
  switch (info->kind)
    {
    case PR_FILE_BOOTROM_IMAGE:
    case PR_FILE_APP_IMAGE:
    case PR_FILE_LOG:   /* app.log is app_only, handled above */
      return PR_SENDER_BOOTROM;
    default:
      return PR_SENDER_UNKNOWN;  /* master config: the phone's history decides */
    }
}

void
pr_classify (const char    *method,
             const char    *path,
             const char    *user_agent,
             PrRequestInfo *out)
{
  char ua_mac[13];
  const char *slash;
  gboolean polycom_ua;

  memset (out, 0, sizeof *out);
  if (path == NULL)
    path = "";
  slash = strrchr (path, '/');
  out->basename = slash != NULL ? slash + 1 : path;

  polycom_ua = pr_parse_user_agent (user_agent, out->ua_token, out->version, ua_mac, &out->sender);
  classify_name (out->basename, out);

  if (out->mac[0] == '\0' && ua_mac[0] != '\0')
    memcpy (out->mac, ua_mac, sizeof out->mac);

  out->model = pr_models_find_by_token (out->ua_token);
  if (out->model == NULL && out->part[0] != '\0')
    out->model = pr_models_find_by_part (out->part);

  if (out->sender == PR_SENDER_BROWSER)
    return;
  out->is_phone = polycom_ua || (user_agent == NULL && out->mac[0] != '\0');
  if (out->is_phone && out->sender == PR_SENDER_UNKNOWN)
    out->sender = sender_from_path (out);
  (void) method;
}

/* One dotted segment: number, then an optional suffix ("0B") */
static int
compare_segment (const char **a, const char **b)
{
  guint64 na = g_ascii_strtoull (*a, (char **) a, 10);
  guint64 nb = g_ascii_strtoull (*b, (char **) b, 10);
  int r;

  if (na != nb)
    return na < nb ? -1 : 1;
  while (**a != '\0' && **a != '.' && **b != '\0' && **b != '.')
    {
      /* "4.2.0B" and "4.2.0b" are one version: compare without case both ways */
      if (g_ascii_toupper (**a) != g_ascii_toupper (**b))
        return g_ascii_toupper (**a) < g_ascii_toupper (**b) ? -1 : 1;
      (*a)++, (*b)++;
    }
  r = (**a != '\0' && **a != '.') - (**b != '\0' && **b != '.');
  return r;
}

int
pr_version_compare (const char *a,
                    const char *b)
{
  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);
  while (*a != '\0' || *b != '\0')
    {
      int r;

      if (*a == '\0')
        return -1;
      if (*b == '\0')
        return 1;
      r = compare_segment (&a, &b);
      if (r != 0)
        return r;
      while (*a != '\0' && *a != '.')
        a++;
      while (*b != '\0' && *b != '.')
        b++;
      if (*a == '.')
        a++;
      if (*b == '.')
        b++;
    }
  return 0;
}
