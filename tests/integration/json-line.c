/* json-line.c — a tiny reader for the CLI's one-object-per-line JSON events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "json-line.h"

#include <string.h>

typedef struct {
  const char *p;
  GError    **error;
} Reader;

static gboolean
fail (Reader     *reader,
      const char *what)
{
  g_set_error (reader->error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE,
               "JSON: %s at “%.20s”", what, reader->p);
  return FALSE;
}

static void
skip_space (Reader *reader)
{
  while (*reader->p == ' ' || *reader->p == '\t' || *reader->p == '\r' || *reader->p == '\n')
    reader->p++;
}

static gboolean
expect (Reader *reader,
        char    c)
{
  skip_space (reader);
  if (*reader->p != c)
    {
      g_autofree char *what = g_strdup_printf ("expected “%c”", c);

      return fail (reader, what);
    }
  reader->p++;
  return TRUE;
}

static gboolean
read_hex4 (Reader   *reader,
           gunichar *value)
{
  *value = 0;
  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (reader->p[i]);

      if (digit < 0)
        return fail (reader, "bad \\u escape");
      *value = (*value << 4) | digit;
    }
  reader->p += 4;
  return TRUE;
}

static gboolean
read_unicode_escape (Reader  *reader,
                     GString *out)
{
  gunichar c, low;

  if (!read_hex4 (reader, &c))
    return FALSE;
  if (c >= 0xd800 && c < 0xdc00 && reader->p[0] == '\\' && reader->p[1] == 'u')
    {
      reader->p += 2;
      if (!read_hex4 (reader, &low))
        return FALSE;
      c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
    }
  g_string_append_unichar (out, c);
  return TRUE;
}

static gboolean
read_escape (Reader  *reader,
             GString *out)
{
  char c = *reader->p++;

  switch (c)
    {
    case '"': case '\\': case '/':
      g_string_append_c (out, c);
      return TRUE;
    case 'b': g_string_append_c (out, '\b'); return TRUE;
    case 'f': g_string_append_c (out, '\f'); return TRUE;
    case 'n': g_string_append_c (out, '\n'); return TRUE;
    case 'r': g_string_append_c (out, '\r'); return TRUE;
    case 't': g_string_append_c (out, '\t'); return TRUE;
    case 'u': return read_unicode_escape (reader, out);
    default:  return fail (reader, "bad escape");
    }
}

static char *
read_string (Reader *reader)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (!expect (reader, '"'))
    return NULL;

  while (*reader->p != '"')
    {
      if (*reader->p == '\0')
        {
          fail (reader, "unterminated string");
          return NULL;
        }
      if (*reader->p == '\\')
        {
          reader->p++;
          if (!read_escape (reader, out))
            return NULL;
          continue;
        }
      g_string_append_c (out, *reader->p++);
    }
  reader->p++;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* An object or array, kept as its raw text */
static char *
read_nested (Reader *reader)
{
  const char *start = reader->p;
  guint depth = 0;
  gboolean in_string = FALSE;

  for (; *reader->p != '\0'; reader->p++)
    {
      char c = *reader->p;

      if (in_string)
        {
          if (c == '\\' && reader->p[1] != '\0')
            reader->p++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if ((c == '}' || c == ']') && --depth == 0)
        {
          reader->p++;
          return g_strndup (start, reader->p - start);
        }
    }

  fail (reader, "unterminated object or array");
  return NULL;
}

/* *value is NULL for null */
static gboolean
read_value (Reader  *reader,
            char   **value)
{
  const char *start;

  skip_space (reader);
  *value = NULL;
  if (*reader->p == '"')
    return (*value = read_string (reader)) != NULL;
  if (*reader->p == '{' || *reader->p == '[')
    return (*value = read_nested (reader)) != NULL;

  start = reader->p;
  while (g_ascii_isalnum (*reader->p) || strchr ("+-.", *reader->p) != NULL)
    reader->p++;
  if (reader->p == start)
    return fail (reader, "expected a value");
  if (reader->p - start == 4 && strncmp (start, "null", 4) == 0)
    return TRUE;
  *value = g_strndup (start, reader->p - start);
  return TRUE;
}

static gboolean
read_member (Reader     *reader,
             GHashTable *object)
{
  g_autofree char *name = read_string (reader);
  char *value = NULL;

  if (name == NULL || !expect (reader, ':') || !read_value (reader, &value))
    return FALSE;
  g_hash_table_replace (object, g_steal_pointer (&name), value);
  return TRUE;
}

GHashTable *
json_line_parse (const char  *line,
                 GError     **error)
{
  g_autoptr(GHashTable) object = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Reader reader = { line, error };

  if (!expect (&reader, '{'))
    return NULL;

  skip_space (&reader);
  while (*reader.p != '}')
    {
      if (!read_member (&reader, object))
        return NULL;
      skip_space (&reader);
      if (*reader.p != ',')
        break;
      reader.p++;
    }

  if (!expect (&reader, '}'))
    return NULL;
  skip_space (&reader);
  if (*reader.p != '\0')
    {
      fail (&reader, "text after the object");
      return NULL;
    }

  return g_steal_pointer (&object);
}

const char *
json_line_get (GHashTable *object,
               const char *name)
{
  return g_hash_table_lookup (object, name);
}

gboolean
json_line_has (GHashTable *object,
               const char *name)
{
  return g_hash_table_contains (object, name);
}

gboolean
json_line_is (GHashTable *object,
              const char *name,
              const char *value)
{
  return g_strcmp0 (g_hash_table_lookup (object, name), value) == 0;
}
