/* test-request-head.c — which request heads the fast lane answers itself
 *
 * pr_request_head_parse() must call a head PLAIN only when the lane and
 * libsoup cannot disagree about it. Real phone requests are PLAIN with the
 * exact path, User-Agent, length and close; every rule that sends a head to
 * libsoup has a row of its own below (a row fails when its rule is dropped);
 * a head that is not whole yet is INCOMPLETE at every length.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pr-request-head.h"

#define SP321 "FileTransport PolycomSoundPointIP-SPIP_321-UA/3.2.3.0017"
#define VVX410 "FileTransport PolycomVVX-VVX_410-UA/5.9.0.9373"
#define SP335_UC "FileTransport PolycomSoundPointIP-SPIP_335-UA/4.0.13.1445 (SN:0004f249d83f) Type/Application"

/* A plain head, then the rule that must keep it from being plain */
#define BASE "GET /sip.ld HTTP/1.1\r\nHost: 192.168.1.5\r\n"

typedef struct {
  const char *request;
  gboolean    is_head;
  const char *path;
  const char *user_agent;   /* NULL: none */
  gboolean    http_1_0;
  gboolean    close;
} PlainCase;

static const PlainCase plain_cases[] = {
  /* BootROM 3.2.3 of an IP 321: the split image, then the master config */
  { "GET /2345-12360-001.bootrom.ld HTTP/1.1\r\nHost: 192.168.1.5\r\nUser-Agent: " SP321 "\r\n"
    "Accept: */*\r\nConnection: keep-alive\r\n\r\n",
    FALSE, "/2345-12360-001.bootrom.ld", SP321, FALSE, FALSE },
  { "GET /0004f2abcdef.cfg HTTP/1.1\r\nHost: 192.168.1.5:8080\r\nUser-Agent: " SP321 "\r\n\r\n",
    FALSE, "/0004f2abcdef.cfg", SP321, FALSE, FALSE },
  /* a VVX 410 asks HEAD before its app log, and closes */
  { "HEAD /0004f2123456-app.log HTTP/1.1\r\nHost: 10.0.0.2\r\nUser-Agent: " VVX410 "\r\nConnection: close\r\n\r\n",
    TRUE, "/0004f2123456-app.log", VVX410, FALSE, TRUE },
  { "GET /3111-46135-002.sip.ld HTTP/1.1\r\nHost: [fd00::5]:8080\r\nUser-Agent: " VVX410 "\r\nAccept: */*\r\n\r\n",
    FALSE, "/3111-46135-002.sip.ld", VVX410, FALSE, FALSE },
  /* UC 4 with the MAC in the UA; blanks around the value are not its part */
  { "GET /SoundPointIPLocalization/English_United_States/SoundPointIP-dictionary.xml HTTP/1.1\r\n"
    "Host: pr\r\nUser-Agent: \t " SP335_UC " \t\r\nContent-Length: 0\r\n\r\n",
    FALSE, "/SoundPointIPLocalization/English_United_States/SoundPointIP-dictionary.xml", SP335_UC, FALSE, FALSE },
  /* HTTP/1.0: no Host needed, always closes */
  { "GET /sip.cfg HTTP/1.0\r\nUser-Agent: " SP321 "\r\n\r\n",
    FALSE, "/sip.cfg", SP321, TRUE, TRUE },
  { "GET / HTTP/1.1\r\nHost: x\r\n\r\n", FALSE, "/", NULL, FALSE, FALSE },
  /* every path character the lane takes; a trailing "/" is not an empty segment */
  { "GET /a-b._~!$&'()*+,;=:@/z/ HTTP/1.1\r\nhost: x\r\nCONNECTION: Keep-Alive\r\n\r\n",
    FALSE, "/a-b._~!$&'()*+,;=:@/z/", NULL, FALSE, FALSE },
  /* dots inside a segment are not dot segments */
  { "GET /.../..a/a.. HTTP/1.1\r\nHost: x\r\n\r\n", FALSE, "/.../..a/a..", NULL, FALSE, FALSE },
};

typedef struct {
  const char *why;
  const char *request;
  gsize       size;    /* 0: strlen (request) */
} OtherCase;

static const OtherCase other_cases[] = {
  { "method PUT", "PUT /sip.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "method POST", "POST /sip.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "method lower case", "get /sip.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "method OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "two spaces after the method", "GET  /sip.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "absolute-form target", "GET http://x/sip.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "empty path", "GET  HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "percent escape", "GET /sip%2eld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "query", "GET /sip.ld?x HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "empty query", "GET /sip.ld? HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "fragment", "GET /sip.ld#x HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "backslash", "GET /a\\sip.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "non-ASCII byte in the path", "GET /s\xc3\xa9.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "NUL in the path", "GET /sip\0.ld HTTP/1.1\r\nHost: x\r\n\r\n", sizeof "GET /sip\0.ld HTTP/1.1\r\nHost: x\r\n\r\n" - 1 },
  { "tab in the path", "GET /sip\t.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "empty segment", "GET //sip.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "empty segment inside", "GET /a//sip.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "dot segment", "GET /./sip.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "dot-dot segment", "GET /a/../sip.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "final dot segment", "GET /a/. HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "final dot-dot segment", "GET /a/.. HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "space in the target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "HTTP/2.0", "GET /sip.ld HTTP/2.0\r\nHost: x\r\n\r\n" },
  { "HTTP/1.2", "GET /sip.ld HTTP/1.2\r\nHost: x\r\n\r\n" },
  { "HTTP/1.10", "GET /sip.ld HTTP/1.10\r\nHost: x\r\n\r\n" },
  { "lower-case version", "GET /sip.ld http/1.1\r\nHost: x\r\n\r\n" },
  { "HTTP/0.9 (no version)", "GET /sip.ld\r\nHost: x\r\n\r\n" },
  { "space after the version", "GET /sip.ld HTTP/1.1 \r\nHost: x\r\n\r\n" },
  { "bare LF after the request line", "GET /sip.ld HTTP/1.1\nHost: x\r\n\r\n" },
  { "bare LF after a header", "GET /sip.ld HTTP/1.1\r\nHost: x\n\r\n" },
  { "bare LF ends the head", BASE "\n" },
  { "bare LF after a header that stays valid one byte short", BASE "X-A: bb\n\r\n" },
  { "CR inside a line", "GET /sip.ld HTTP/1.1\r\nHost: x\rUser-Agent: y\r\n\r\n" },
  { "leading empty line", "\r\nGET /sip.ld HTTP/1.1\r\nHost: x\r\n\r\n" },
  { "space before the colon", BASE "User-Agent : y\r\n\r\n" },
  { "folded header (obs-fold)", BASE "User-Agent: y\r\n z\r\n\r\n" },
  { "no colon", BASE "User-Agent y\r\n\r\n" },
  { "empty header name", BASE ": y\r\n\r\n" },
  { "separator in a header name", BASE "User/Agent: y\r\n\r\n" },
  { "control byte in a value", BASE "User-Agent: a\x01z\r\n\r\n" },
  { "DEL in a value", BASE "User-Agent: a\x7fz\r\n\r\n" },
  { "non-ASCII value", BASE "User-Agent: caf\xc3\xa9\r\n\r\n" },
  { "65 headers", NULL },   /* built in test_other() */
  { "no Host on 1.1", "GET /sip.ld HTTP/1.1\r\nUser-Agent: y\r\n\r\n" },
  { "two Hosts", BASE "Host: 192.168.1.5\r\n\r\n" },
  { "two Hosts on 1.0", "GET /sip.ld HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n" },
  { "empty Host", "GET /sip.ld HTTP/1.1\r\nHost: \r\n\r\n" },
  { "Host with a user", "GET /sip.ld HTTP/1.1\r\nHost: u@x\r\n\r\n" },
  { "Host with a slash", "GET /sip.ld HTTP/1.1\r\nHost: x/y\r\n\r\n" },
  { "Host with a space", "GET /sip.ld HTTP/1.1\r\nHost: x y\r\n\r\n" },
  { "two User-Agents", BASE "User-Agent: a\r\nUser-Agent: b\r\n\r\n" },
  { "Content-Length 1", BASE "Content-Length: 1\r\n\r\n" },
  { "Content-Length 00", BASE "Content-Length: 00\r\n\r\n" },
  { "empty Content-Length", BASE "Content-Length: \r\n\r\n" },
  { "Connection: upgrade", BASE "Connection: upgrade\r\n\r\n" },
  { "Connection: close, keep-alive", BASE "Connection: close, keep-alive\r\n\r\n" },
  { "Connection: keep-alive on 1.0", "GET /sip.ld HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" },
  { "Transfer-Encoding", BASE "Transfer-Encoding: chunked\r\n\r\n" },
  { "Range", BASE "Range: bytes=0-\r\n\r\n" },
  { "Range in lower case", BASE "range: bytes=0-\r\n\r\n" },
  { "If-Range", BASE "If-Range: \"x\"\r\n\r\n" },
  { "Expect", BASE "Expect: 100-continue\r\n\r\n" },
  { "Upgrade", BASE "Upgrade: h2c\r\n\r\n" },
  { "HTTP2-Settings", BASE "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n" },
  { "8 KiB without an end", NULL },   /* built in test_other() */
  { "path longer than 2048", NULL },  /* built in test_other() */
};

static void
test_plain (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (plain_cases); i++)
    {
      const PlainCase *c = &plain_cases[i];
      gsize size = strlen (c->request);
      PrRequestHead head;

      g_test_message ("%u: %s", i, c->request);
      g_assert_cmpint (pr_request_head_parse (c->request, size, &head), ==, PR_REQUEST_HEAD_PLAIN);
      g_assert_cmpint (head.is_head, ==, c->is_head);
      g_assert_cmpmem (head.path, head.path_length, c->path, strlen (c->path));
      g_assert_true (head.path > c->request && head.path + head.path_length < c->request + size);
      if (c->user_agent != NULL)
        g_assert_cmpmem (head.user_agent, head.user_agent_length, c->user_agent, strlen (c->user_agent));
      else
        g_assert_null (head.user_agent);
      g_assert_cmpint (head.http_1_0, ==, c->http_1_0);
      g_assert_cmpint (head.close, ==, c->close);
      g_assert_cmpuint (head.length, ==, size);
    }
}

static char *
many_headers (guint n)
{
  GString *s = g_string_new (BASE);

  for (guint i = 1; i < n; i++)   /* Host is one */
    g_string_append_printf (s, "X-H%u: v\r\n", i);
  g_string_append (s, "\r\n");
  return g_string_free (s, FALSE);
}

static char *
long_path (gsize length)
{
  GString *s = g_string_new ("GET /");

  for (gsize i = 1; i < length; i++)
    g_string_append_c (s, 'a');
  g_string_append (s, " HTTP/1.1\r\nHost: x\r\n\r\n");
  return g_string_free (s, FALSE);
}

static void
test_other (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (other_cases); i++)
    {
      const OtherCase *c = &other_cases[i];
      g_autofree char *built = NULL;
      gsize size;
      PrRequestHead head;

      if (g_str_equal (c->why, "65 headers"))
        built = many_headers (65);
      else if (g_str_equal (c->why, "path longer than 2048"))
        built = long_path (2049);
      else if (g_str_equal (c->why, "8 KiB without an end"))
        {
          /* a well-formed start, then header after header, never a blank line */
          GString *s = g_string_new ("GET /sip.ld HTTP/1.1\r\nHost: x\r\nX-Filler: ");

          while (s->len < PR_REQUEST_HEAD_MAX)
            g_string_append_c (s, 'a');
          built = g_string_free (s, FALSE);
        }
      size = built != NULL ? strlen (built) : c->size != 0 ? c->size : strlen (c->request);
      g_test_message ("%u: %s", i, c->why);
      g_assert_cmpint (pr_request_head_parse (built != NULL ? built : c->request, size, &head), ==, PR_REQUEST_HEAD_OTHER);
    }
}

/* The limits themselves are plain: the rows above fail by one */
static void
test_limits (void)
{
  g_autofree char *headers_64 = many_headers (64);
  g_autofree char *path_2048 = long_path (2048);
  PrRequestHead head;

  g_assert_cmpint (pr_request_head_parse (headers_64, strlen (headers_64), &head), ==, PR_REQUEST_HEAD_PLAIN);
  g_assert_cmpint (pr_request_head_parse (path_2048, strlen (path_2048), &head), ==, PR_REQUEST_HEAD_PLAIN);
  g_assert_cmpuint (head.path_length, ==, 2048);
  /* the base of the rule rows is plain itself */
  g_assert_cmpint (pr_request_head_parse (BASE "\r\n", strlen (BASE "\r\n"), &head), ==, PR_REQUEST_HEAD_PLAIN);
}

/* Every prefix of a plain head is INCOMPLETE, never PLAIN or OTHER */
static void
test_prefixes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (plain_cases); i++)
    {
      const char *request = plain_cases[i].request;
      gsize size = strlen (request);

      for (gsize n = 0; n < size; n++)
        {
          PrRequestHead head;
          PrRequestHeadKind kind = pr_request_head_parse (request, n, &head);

          if (kind != PR_REQUEST_HEAD_INCOMPLETE)
            g_error ("case %u, first %zu of %zu bytes: kind %d", i, n, size, kind);
        }
    }
}

/* A long head still within the limit is INCOMPLETE until its end */
static void
test_incomplete_near_limit (void)
{
  g_autoptr(GString) s = g_string_new ("GET /sip.ld HTTP/1.1\r\nHost: x\r\nX-Filler: ");
  PrRequestHead head;

  while (s->len < PR_REQUEST_HEAD_MAX - 5)
    g_string_append_c (s, 'a');
  g_assert_cmpint (pr_request_head_parse (s->str, s->len, &head), ==, PR_REQUEST_HEAD_INCOMPLETE);
  g_string_append (s, "\r\n\r\n");
  g_assert_cmpuint (s->len, ==, PR_REQUEST_HEAD_MAX - 1);
  g_assert_cmpint (pr_request_head_parse (s->str, s->len, &head), ==, PR_REQUEST_HEAD_PLAIN);
  g_assert_cmpuint (head.length, ==, s->len);
  /* exactly PR_REQUEST_HEAD_MAX bytes is still the lane's, one more is not */
  g_string_insert_c (s, s->len - 4, 'a');
  g_assert_cmpuint (s->len, ==, PR_REQUEST_HEAD_MAX);
  g_assert_cmpint (pr_request_head_parse (s->str, s->len, &head), ==, PR_REQUEST_HEAD_PLAIN);
  g_string_insert_c (s, s->len - 4, 'a');
  g_assert_cmpuint (s->len, ==, PR_REQUEST_HEAD_MAX + 1);
  g_assert_cmpint (pr_request_head_parse (s->str, s->len, &head), ==, PR_REQUEST_HEAD_OTHER);
}

/* Pipelined requests: the length is the first head's, whatever follows */
static void
test_pipelined (void)
{
  static const char first[] = "GET /sip.cfg HTTP/1.1\r\nHost: x\r\nUser-Agent: " SP321 "\r\n\r\n";
  static const char *const after[] = {
    "GET /phone1.cfg HTTP/1.1\r\nHost: x\r\n\r\n",            /* another plain one */
    "PUT /0004f2abcdef-boot.log HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
    "GET /a",                                                  /* a piece of one */
    "\x16\x03\x01garbage\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (after); i++)
    {
      g_autofree char *both = g_strconcat (first, after[i], NULL);
      PrRequestHead head;

      g_assert_cmpint (pr_request_head_parse (both, strlen (both), &head), ==, PR_REQUEST_HEAD_PLAIN);
      g_assert_cmpuint (head.length, ==, strlen (first));
      g_assert_cmpmem (head.path, head.path_length, "/sip.cfg", 8);
      g_assert_cmpmem (head.user_agent, head.user_agent_length, SP321, strlen (SP321));
    }
}

/* The result does not depend on what the head struct held before */
static void
test_head_reset (void)
{
  static const char with_ua[] = "HEAD /a HTTP/1.0\r\nUser-Agent: x\r\n\r\n";
  static const char without[] = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
  PrRequestHead head;

  g_assert_cmpint (pr_request_head_parse (with_ua, strlen (with_ua), &head), ==, PR_REQUEST_HEAD_PLAIN);
  g_assert_true (head.is_head && head.http_1_0 && head.close && head.user_agent != NULL);
  g_assert_cmpint (pr_request_head_parse (without, strlen (without), &head), ==, PR_REQUEST_HEAD_PLAIN);
  g_assert_false (head.is_head || head.http_1_0 || head.close);
  g_assert_null (head.user_agent);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/request-head/plain", test_plain);
  g_test_add_func ("/request-head/other", test_other);
  g_test_add_func ("/request-head/limits", test_limits);
  g_test_add_func ("/request-head/prefixes", test_prefixes);
  g_test_add_func ("/request-head/incomplete-near-limit", test_incomplete_near_limit);
  g_test_add_func ("/request-head/pipelined", test_pipelined);
  g_test_add_func ("/request-head/head-reset", test_head_reset);
  return g_test_run ();
}
