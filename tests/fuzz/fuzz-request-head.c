/* fuzz-request-head.c — libFuzzer harness for pr_request_head_parse()
 *
 * Input: the bytes a client sent, as the fast lane peeks them. The parser
 * must never read outside them, and a head it calls PLAIN (answered without
 * libsoup) must be exactly what the lane relies on: it ends with the first
 * blank line, within the data and PR_REQUEST_HEAD_MAX; the path is a slice of
 * the request line, starts with "/", has only RFC 3986 path characters
 * without "%", no empty, "." or ".." segment; the User-Agent is a slice of the
 * head without CR or LF. Parsing the head alone again gives the same answer,
 * and every shorter prefix of it is INCOMPLETE, never PLAIN (or the lane
 * would answer a request it has not seen in full). INCOMPLETE means no blank
 * line yet and less than PR_REQUEST_HEAD_MAX bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pr-request-head.h"

#define CHECK(cond) do { if (!(cond)) { fprintf (stderr, "check failed: %s\n", #cond); abort (); } } while (0)

static gboolean
is_path_char (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("-._~!$&'()*+,;=:@/", c) != NULL);
}

/* @data[0..@size) alone, in a buffer of its own: ASan sees a byte read past it */
static PrRequestHeadKind
parse_copy (const uint8_t *data, size_t size, PrRequestHead *head, char **copy_out)
{
  char *copy = g_malloc (size > 0 ? size : 1);
  PrRequestHeadKind kind;

  memcpy (copy, data, size);
  kind = pr_request_head_parse (copy, size, head);
  *copy_out = copy;
  return kind;
}

static void
check_plain (const char *data, size_t size, const PrRequestHead *head)
{
  const char *end_of_head = data + head->length;
  const char *blank;
  const char *method_end;
  size_t i;

  /* the head: within the data and the limit, up to its first blank line */
  CHECK (head->length >= 4 && head->length <= size && head->length <= PR_REQUEST_HEAD_MAX);
  CHECK (memcmp (end_of_head - 4, "\r\n\r\n", 4) == 0);
  blank = memmem (data, size, "\r\n\r\n", 4);
  CHECK (blank != NULL && blank + 4 == end_of_head);

  /* the request line: METHOD SP path SP HTTP/1.x CRLF */
  method_end = data + (head->is_head ? 5 : 4);
  CHECK (memcmp (data, head->is_head ? "HEAD " : "GET ", head->is_head ? 5 : 4) == 0);
  CHECK (head->path == method_end);
  CHECK (head->path_length >= 1 && head->path_length <= 2048);
  CHECK (head->path + head->path_length + 11 + 2 <= end_of_head);
  CHECK (memcmp (head->path + head->path_length, head->http_1_0 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n", 11) == 0);
  CHECK (!head->http_1_0 || head->close);

  /* the path */
  CHECK (head->path[0] == '/');
  for (i = 0; i < head->path_length; i++)
    {
      guchar c = head->path[i];

      CHECK (c >= 0x21 && c < 0x7f && is_path_char (c));
      CHECK (c != '%' && c != '?' && c != '#' && c != '\\');
    }
  {
    g_autofree char *path = g_strndup (head->path, head->path_length);
    g_autofree char *slashed = g_strconcat (path, "/", NULL);

    CHECK (strlen (path) == head->path_length);
    CHECK (strstr (path, "//") == NULL);
    CHECK (strstr (slashed, "/./") == NULL);
    CHECK (strstr (slashed, "/../") == NULL);
  }

  /* the User-Agent: a slice of a header line */
  if (head->user_agent != NULL)
    {
      CHECK (head->user_agent > head->path + head->path_length);
      CHECK (head->user_agent + head->user_agent_length <= end_of_head - 4);
      for (i = 0; i < head->user_agent_length; i++)
        {
          guchar c = head->user_agent[i];

          CHECK (c == '\t' || (c >= 0x20 && c < 0x7f));
        }
      CHECK (head->user_agent_length == 0 ||
             (head->user_agent[0] != ' ' && head->user_agent[0] != '\t' &&
              head->user_agent[head->user_agent_length - 1] != ' ' &&
              head->user_agent[head->user_agent_length - 1] != '\t'));
    }
  else
    CHECK (head->user_agent_length == 0);
}

static gboolean
same_head (const PrRequestHead *a, const char *a_base, const PrRequestHead *b, const char *b_base)
{
  return a->is_head == b->is_head && a->http_1_0 == b->http_1_0 && a->close == b->close &&
         a->length == b->length &&
         a->path - a_base == b->path - b_base && a->path_length == b->path_length &&
         (a->user_agent == NULL) == (b->user_agent == NULL) &&
         (a->user_agent == NULL || a->user_agent - a_base == b->user_agent - b_base) &&
         a->user_agent_length == b->user_agent_length;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  PrRequestHead head, again;
  PrRequestHeadKind kind;
  const char *text = (const char *) data;

  kind = pr_request_head_parse (text, size, &head);
  CHECK (kind == PR_REQUEST_HEAD_INCOMPLETE || kind == PR_REQUEST_HEAD_PLAIN || kind == PR_REQUEST_HEAD_OTHER);

  /* deterministic, whatever the struct held */
  memset (&again, 0xa5, sizeof again);
  CHECK (pr_request_head_parse (text, size, &again) == kind);

  if (kind == PR_REQUEST_HEAD_INCOMPLETE)
    {
      CHECK (size < PR_REQUEST_HEAD_MAX);
      CHECK (memmem (data, size, "\r\n\r\n", 4) == NULL);
      return 0;
    }
  if (kind != PR_REQUEST_HEAD_PLAIN)
    return 0;

  CHECK (same_head (&head, text, &again, text));
  check_plain (text, size, &head);

  /* the head alone (what the lane reads off the socket) parses the same */
  {
    g_autofree char *copy = NULL;

    CHECK (parse_copy (data, head.length, &again, &copy) == PR_REQUEST_HEAD_PLAIN);
    CHECK (same_head (&head, text, &again, copy));
  }

  /* every shorter prefix is INCOMPLETE: all of them for a short head, else
   * the last bytes, and some spread over the rest */
  {
    size_t n_checks = head.length <= 512 ? head.length : 64;

    for (size_t k = 0; k < n_checks; k++)
      {
        size_t n = head.length <= 512 ? k
                 : k < 8 ? head.length - 1 - k
                 : (head.length * (k - 8)) / (n_checks - 8);
        g_autofree char *copy = NULL;

        CHECK (parse_copy (data, n, &again, &copy) == PR_REQUEST_HEAD_INCOMPLETE);
      }
  }
  return 0;
}
