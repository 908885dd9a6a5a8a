/* pr-json.c — one JSON object per line, for scripts reading the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-json.h"

#include <string.h>

#include "pr-types.h"

struct _PrJsonObject
{
  GString *buffer;
};

void
pr_json_append_escaped (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *c = (const guchar *) text; *c != '\0'; c++)
    {
      /* a run that needs no escape goes in at once */
      const guchar *run = c;

      while (*c >= 0x20 && *c != 0x7f && *c != '"' && *c != '\\')
        c++;
      if (c > run)
        g_string_append_len (out, (const char *) run, c - run);
      if (*c == '\0')
        break;
      switch (*c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*c < 0x20 || *c == 0x7f)
            g_string_append_printf (out, "\\u%04x", *c);
          else
            g_string_append_c (out, *c);
        }
    }
  g_string_append_c (out, '"');
}

/* Bytes that are not UTF-8 (a hostile User-Agent) become U+FFFD */
static void
append_string_value (GString *out, const char *value)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (value, -1, NULL))
    value = valid = g_utf8_make_valid (value, -1);
  pr_json_append_escaped (out, value);
}

/* Every event carries the time: the part down to the second is formatted
 * once a second, not once an event */
char *
pr_json_time_now (void)
{
  G_LOCK_DEFINE_STATIC (cached);
  static gint64 cached_second = -1;
  static char cached_base[32];
  gint64 now = g_get_real_time ();
  gint64 second = now / G_USEC_PER_SEC;
  char *text;

  G_LOCK (cached);
  if (second != cached_second)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (second);
      g_autofree char *base = time != NULL ? g_date_time_format (time, "%Y-%m-%dT%H:%M:%S") : NULL;

      g_strlcpy (cached_base, base != NULL ? base : "1970-01-01T00:00:00", sizeof cached_base);
      cached_second = second;
    }
  {
    int ms = (int) (now % G_USEC_PER_SEC / 1000);
    gsize len = strlen (cached_base);

    text = g_malloc (len + 6);
    memcpy (text, cached_base, len);
    text[len] = '.';
    text[len + 1] = '0' + ms / 100;
    text[len + 2] = '0' + ms / 10 % 10;
    text[len + 3] = '0' + ms % 10;
    text[len + 4] = 'Z';
    text[len + 5] = '\0';
  }
  G_UNLOCK (cached);
  return text;
}

PrJsonObject *
pr_json_object_new_event (const char *event)
{
  PrJsonObject *obj = g_new0 (PrJsonObject, 1);
  g_autofree char *time = pr_json_time_now ();

  obj->buffer = g_string_sized_new (320);
  g_string_append (obj->buffer, "{\"event\":");
  pr_json_append_escaped (obj->buffer, event);
  g_string_append (obj->buffer, ",\"time\":");
  pr_json_append_escaped (obj->buffer, time);
  return obj;
}

static void
add_key (PrJsonObject *obj, const char *key)
{
  g_string_append_c (obj->buffer, ',');
  pr_json_append_escaped (obj->buffer, key);
  g_string_append_c (obj->buffer, ':');
}

void
pr_json_object_add_string (PrJsonObject *obj, const char *key, const char *value)
{
  add_key (obj, key);
  if (value == NULL)
    g_string_append (obj->buffer, "null");
  else
    append_string_value (obj->buffer, value);
}

void
pr_json_object_add_int (PrJsonObject *obj, const char *key, gint64 value)
{
  char digits[24];
  char *p = digits + sizeof digits;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  /* not printf: every event has a few of these */
  do
    *--p = '0' + magnitude % 10;
  while ((magnitude /= 10) > 0);
  if (value < 0)
    *--p = '-';
  add_key (obj, key);
  g_string_append_len (obj->buffer, p, digits + sizeof digits - p);
}

void
pr_json_object_add_bool (PrJsonObject *obj, const char *key, gboolean value)
{
  add_key (obj, key);
  g_string_append (obj->buffer, value ? "true" : "false");
}

void
pr_json_object_add_null (PrJsonObject *obj, const char *key)
{
  add_key (obj, key);
  g_string_append (obj->buffer, "null");
}

void
pr_json_object_add_raw (PrJsonObject *obj, const char *key, const char *json)
{
  add_key (obj, key);
  g_string_append (obj->buffer, json);
}

char *
pr_json_object_finish (PrJsonObject *obj)
{
  GString *buffer = obj->buffer;

  g_free (obj);
  g_string_append_c (buffer, '}');
  return g_string_free (buffer, FALSE);
}

char *
pr_json_phone_event (PrPhone *phone)
{
  PrJsonObject *obj = pr_json_object_new_event ("phone");

  pr_json_object_add_int (obj, "id", pr_phone_get_id (phone));
  pr_json_object_add_string (obj, "ip", pr_phone_get_ip (phone));
  pr_json_object_add_string (obj, "mac", pr_phone_get_mac (phone));
  pr_json_object_add_string (obj, "model", pr_phone_get_model_name (phone));
  pr_json_object_add_string (obj, "part", pr_phone_get_part (phone));
  pr_json_object_add_string (obj, "stage", pr_stage_to_string (pr_phone_get_stage (phone)));
  pr_json_object_add_string (obj, "reason", pr_phone_get_reason (phone));
  pr_json_object_add_string (obj, "note", pr_phone_get_note (phone));
  pr_json_object_add_string (obj, "file", pr_phone_get_current_file (phone));
  pr_json_object_add_int (obj, "bytes", pr_phone_get_bytes_sent (phone));
  pr_json_object_add_int (obj, "total", pr_phone_get_bytes_total (phone));
  pr_json_object_add_string (obj, "bootrom_version", pr_phone_get_bootrom_version (phone));
  pr_json_object_add_string (obj, "app_version", pr_phone_get_app_version (phone));
  pr_json_object_add_bool (obj, "interrupted", pr_phone_get_interrupted (phone));
  return pr_json_object_finish (obj);
}

char *
pr_json_request_event (PrRequestRecord *record)
{
  PrJsonObject *obj = pr_json_object_new_event ("request");

  pr_json_object_add_string (obj, "ip", pr_request_record_get_ip (record));
  pr_json_object_add_string (obj, "method", pr_request_record_get_method (record));
  pr_json_object_add_string (obj, "path", pr_request_record_get_path (record));
  pr_json_object_add_int (obj, "status", pr_request_record_get_status (record));
  pr_json_object_add_string (obj, "user_agent", pr_request_record_get_user_agent (record));
  pr_json_object_add_int (obj, "bytes", pr_request_record_get_bytes (record));
  pr_json_object_add_bool (obj, "complete", pr_request_record_get_complete (record));
  return pr_json_object_finish (obj);
}
