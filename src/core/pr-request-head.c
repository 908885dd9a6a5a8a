/* pr-request-head.c — recognise the plain requests the fast lane answers itself
 *
 * Deliberately narrow: every rule below either matches exactly what libsoup
 * would make of the request, or sends it to libsoup.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "pr-request-head.h"

#define MAX_PATH    2048
#define MAX_HEADERS 64

typedef struct {
  const char *at;
  gsize       length;
} Slice;

static gboolean
is_token_char (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 3986 pchar and "/", without "%" (escapes are libsoup's) */
static gboolean
is_path_char (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("-._~!$&'()*+,;=:@/", c) != NULL);
}

static gboolean
is_host_char (guchar c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
}

static gboolean
slice_is (Slice s, const char *word)
{
  return s.length == strlen (word) && g_ascii_strncasecmp (s.at, word, s.length) == 0;
}

/* An origin-form path with no empty, "." or ".." segment */
static gboolean
path_is_plain (Slice path)
{
  gsize i, segment_start = 1;

  if (path.length == 0 || path.length > MAX_PATH || path.at[0] != '/')
    return FALSE;
  for (i = 1; i <= path.length; i++)
    {
      if (i < path.length && !is_path_char (path.at[i]))
        return FALSE;
      if (i == path.length || path.at[i] == '/')
        {
          Slice segment = { path.at + segment_start, i - segment_start };

          if ((segment.length == 0 && i < path.length) || slice_is (segment, ".") || slice_is (segment, ".."))
            return FALSE;
          segment_start = i + 1;
        }
    }
  return TRUE;
}

/* "GET /path HTTP/1.1" */
static gboolean
parse_request_line (Slice line, PrRequestHead *head)
{
  const char *space;
  Slice path, version;

  if (line.length > 4 && memcmp (line.at, "GET ", 4) == 0)
    path.at = line.at + 4;
  else if (line.length > 5 && memcmp (line.at, "HEAD ", 5) == 0)
    {
      path.at = line.at + 5;
      head->is_head = TRUE;
    }
  else
    return FALSE;

  space = memchr (path.at, ' ', line.at + line.length - path.at);
  if (space == NULL)
    return FALSE;
  path.length = space - path.at;
  version.at = space + 1;
  version.length = line.at + line.length - version.at;
  if (version.length != 8 || memcmp (version.at, "HTTP/1.", 7) != 0 ||
      (version.at[7] != '0' && version.at[7] != '1'))
    return FALSE;
  if (!path_is_plain (path))
    return FALSE;

  head->http_1_0 = version.at[7] == '0';
  head->close = head->http_1_0;
  head->path = path.at;
  head->path_length = path.length;
  return TRUE;
}

/* "Name: value" with the value's surrounding blanks dropped */
static gboolean
split_header (Slice line, Slice *name, Slice *value)
{
  gsize i = 0, end = line.length;

  while (i < line.length && is_token_char (line.at[i]))
    i++;
  if (i == 0 || i == line.length || line.at[i] != ':')
    return FALSE;
  name->at = line.at;
  name->length = i;
  for (i++; i < line.length && (line.at[i] == ' ' || line.at[i] == '\t'); i++)
    ;
  while (end > i && (line.at[end - 1] == ' ' || line.at[end - 1] == '\t'))
    end--;
  value->at = line.at + i;
  value->length = end - i;
  for (; i < end; i++)
    {
      guchar c = line.at[i];

      if (c != '\t' && (c < 0x20 || c > 0x7e))
        return FALSE;
    }
  return TRUE;
}

static gboolean
host_is_plain (Slice value)
{
  gsize i;

  if (value.length == 0)
    return FALSE;
  for (i = 0; i < value.length; i++)
    if (!is_host_char (value.at[i]))
      return FALSE;
  return TRUE;
}

/* FALSE: a header that makes the request libsoup's */
static gboolean
take_header (Slice name, Slice value, PrRequestHead *head, guint *hosts)
{
  static const char *const libsoups[] = {
    "transfer-encoding", "range", "if-range", "expect", "upgrade", "http2-settings",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (libsoups); i++)
    if (slice_is (name, libsoups[i]))
      return FALSE;

  if (slice_is (name, "host"))
    return ++*hosts == 1 && host_is_plain (value);
  if (slice_is (name, "content-length"))
    return slice_is (value, "0");
  if (slice_is (name, "user-agent"))
    {
      if (head->user_agent != NULL)
        return FALSE;
      head->user_agent = value.at;
      head->user_agent_length = value.length;
      return TRUE;
    }
  if (slice_is (name, "connection"))
    {
      if (slice_is (value, "close"))
        head->close = TRUE;
      else if (!slice_is (value, "keep-alive") || head->http_1_0)
        return FALSE;
    }
  return TRUE;
}

PrRequestHeadKind
pr_request_head_parse (const char    *data,
                       gsize          size,
                       PrRequestHead *head)
{
  gsize pos = 0;
  guint lines = 0, hosts = 0;

  memset (head, 0, sizeof *head);
  for (;;)
    {
      const char *newline = memchr (data + pos, '\n', size - pos);
      Slice line, name, value;

      if (newline == NULL)
        return size >= PR_REQUEST_HEAD_MAX ? PR_REQUEST_HEAD_OTHER : PR_REQUEST_HEAD_INCOMPLETE;
      if (newline == data + pos || newline[-1] != '\r')
        return PR_REQUEST_HEAD_OTHER;
      line.at = data + pos;
      line.length = newline - 1 - line.at;
      pos = newline + 1 - data;
      if (pos > PR_REQUEST_HEAD_MAX)
        return PR_REQUEST_HEAD_OTHER;

      if (lines++ == 0)
        {
          if (!parse_request_line (line, head))
            return PR_REQUEST_HEAD_OTHER;
          continue;
        }
      if (line.length == 0)
        break;
      if (lines > MAX_HEADERS + 1 || !split_header (line, &name, &value) ||
          !take_header (name, value, head, &hosts))
        return PR_REQUEST_HEAD_OTHER;
    }

  /* HTTP/1.1 without a Host is a 400: libsoup answers it */
  if (hosts == 0 && !head->http_1_0)
    return PR_REQUEST_HEAD_OTHER;
  head->length = pos;
  return PR_REQUEST_HEAD_PLAIN;
}
