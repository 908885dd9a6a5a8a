/* pr-store-path.c — request paths become safe relative names, or nothing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pr-error.h"
#include "pr-store-path.h"

#define MAX_PATH_LENGTH 1024
#define MAX_SEGMENTS    16

static gboolean
segment_is_safe (const char *segment)
{
  if (segment[0] == '\0' || segment[0] == '.')   /* ".", "..", hidden bookkeeping */
    return FALSE;
  for (const char *c = segment; *c != '\0'; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f || *c == '\\' || *c == '%' || *c == ':')
      return FALSE;
  return TRUE;
}

gboolean
pr_store_path_is_safe (const char *relative)
{
  g_auto(GStrv) segments = NULL;

  if (relative == NULL || relative[0] == '\0' || strlen (relative) > MAX_PATH_LENGTH ||
      !g_utf8_validate (relative, -1, NULL))
    return FALSE;
  segments = g_strsplit (relative, "/", -1);
  if (g_strv_length (segments) > MAX_SEGMENTS)
    return FALSE;
  for (guint i = 0; segments[i] != NULL; i++)
    if (!segment_is_safe (segments[i]))
      return FALSE;
  return TRUE;
}

static char *
refuse (GError **error, const char *why)
{
  g_set_error (error, PR_ERROR, PR_ERROR_FORBIDDEN_PATH, "%s", why);
  return NULL;
}

char *
pr_store_path_from_request (const char *raw_path,
                            GError    **error)
{
  g_autofree char *decoded = NULL;
  g_auto(GStrv) segments = NULL;
  g_autoptr(GString) out = NULL;

  if (raw_path == NULL || raw_path[0] != '/')
    return refuse (error, _("The path must start with “/”"));
  if (strlen (raw_path) > MAX_PATH_LENGTH)
    return refuse (error, _("The path is too long"));

  /* An escaped "/" or NUL is refused by the decoder itself */
  decoded = g_uri_unescape_string (raw_path, "/\\");
  if (decoded == NULL)
    return refuse (error, _("The path has an escaped separator or NUL byte"));
  if (!g_utf8_validate (decoded, -1, NULL))
    return refuse (error, _("The path is not valid UTF-8"));

  out = g_string_new (NULL);
  segments = g_strsplit (decoded, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      if (segments[i][0] == '\0')   /* "//" and the leading "/" */
        continue;
      if (!segment_is_safe (segments[i]))
        return refuse (error, _("The path names something outside the firmware store"));
      if (out->len > 0)
        g_string_append_c (out, '/');
      g_string_append (out, segments[i]);
    }

  if (out->len == 0)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_NOT_FOUND, _("There is nothing to serve at “/”"));
      return NULL;
    }
  if (!pr_store_path_is_safe (out->str))
    return refuse (error, _("The path is too deep"));
  return g_string_free (g_steal_pointer (&out), FALSE);
}
