/* pr-sec-util.h — helpers for the security and fault suites
 *
 * The server under test is the real `phone-rescue-cli serve` ($PHONE_RESCUE_CLI),
 * started as a subprocess on 127.0.0.1 with port 0. Its stdout (JSON events)
 * and stderr go to files, so a busy server never blocks on a full pipe. The
 * client side uses plain blocking sockets with timeouts: the bytes on the wire
 * are exactly what the test wrote.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#if defined(__SANITIZE_ADDRESS__)
# define PR_SEC_SANITIZED 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define PR_SEC_SANITIZED 1
# endif
#endif
#ifndef PR_SEC_SANITIZED
# define PR_SEC_SANITIZED 0
#endif

/* A running `phone-rescue-cli serve` */
typedef struct {
  GSubprocess *process;
  int          pid;
  guint16      port;
  char        *address;
  char        *out_path;   /* its stdout: JSON events */
  char        *err_path;   /* its stderr */
  int          exit_status;
} PrSecServer;

const char  *pr_sec_cli (void);

/* Start `phone-rescue-cli serve --json --address ADDR --port 0 --store STORE
 * --uploads UPLOADS EXTRA…` and wait for its "listening" event. Logs go into
 * @log_dir. NULL (with the server's stderr in the error) if it did not listen. */
PrSecServer *pr_sec_server_start   (const char         *log_dir,
                                    const char         *store,
                                    const char         *uploads,
                                    const char         *address,
                                    const char *const  *extra_args,
                                    GError            **error);
gboolean     pr_sec_server_alive   (PrSecServer        *server);
/* SIGTERM and wait (SIGKILL after 30 s); TRUE when it exited with status 0,
 * which under ASan also means LeakSanitizer reported nothing. */
gboolean     pr_sec_server_stop    (PrSecServer        *server);
void         pr_sec_server_free    (PrSecServer        *server);
char        *pr_sec_server_stdout  (PrSecServer        *server);
char        *pr_sec_server_stderr  (PrSecServer        *server);
/* How many JSON lines of stdout contain @needle */
guint        pr_sec_server_count_events (PrSecServer   *server,
                                         const char    *needle);

/* Run a command (argv), wait; exit status, stdout and stderr */
int          pr_sec_run            (const char *const  *argv,
                                    char              **out,
                                    char              **err);

/* /proc/PID */
guint        pr_sec_count_fds      (int                 pid);
/* Open descriptors by kind: sockets (the listener and connections), files
 * of the store (the store may keep one open per file it serves), others */
typedef struct {
  guint sockets;
  guint store_files;
  guint other;
} PrSecFds;

void         pr_sec_count_fds_by_kind (int               pid,
                                       const char       *store,
                                       PrSecFds         *out);
/* "3 -> socket:[1234]" lines */
char        *pr_sec_describe_fds   (int                 pid);
/* a "Name:   123 kB" line of /proc/PID/status, in KiB (-1 if absent) */
gint64       pr_sec_status_kib     (int                 pid,
                                    const char         *field);

/* Sockets */
int          pr_sec_connect        (const char         *address,
                                    guint16             port,
                                    int                 rcvbuf,
                                    int                *saved_errno);
gboolean     pr_sec_send_all       (int                 fd,
                                    const void         *data,
                                    gsize               len);

typedef struct {
  guint     status;       /* 0: no HTTP status line came back */
  GString  *raw;          /* everything received */
  gsize     header_len;   /* through the blank line; 0 when incomplete */
  gint64    content_length; /* -1 when absent */
  gboolean  closed;       /* the server closed (EOF or reset) */
  gboolean  reset;        /* ECONNRESET / EPIPE seen */
  gboolean  timed_out;
  double    seconds;
} PrSecResponse;

void           pr_sec_response_free (PrSecResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrSecResponse, pr_sec_response_free)

enum {
  PR_SEC_HEAD       = 1 << 0,   /* no body expected after the headers */
  PR_SEC_HALF_CLOSE = 1 << 1,   /* shut the sending side once the request is out */
};

/* Send @len bytes on a new connection and read the answer until the server
 * closes, a complete response is in, or @timeout_ms passes. Counts one
 * request in pr_sec_tally. */
PrSecResponse *pr_sec_exchange     (const char         *address,
                                    guint16             port,
                                    const void         *request,
                                    gsize               len,
                                    guint               flags,
                                    guint               timeout_ms);
/* Read the answer on an already connected socket (same rules) */
PrSecResponse *pr_sec_read_response (int                fd,
                                     gboolean           head,
                                     guint              timeout_ms);
const char    *pr_sec_body          (PrSecResponse     *response,
                                     gsize             *len);
char          *pr_sec_header        (PrSecResponse     *response,
                                     const char        *name);
/* "GET /x HTTP/1.1" with Host, a phone's User-Agent, Connection: close and @extra */
char          *pr_sec_simple_request (const char       *method,
                                      const char       *target,
                                      const char       *extra_headers);

gboolean       pr_sec_memmem        (const void        *haystack,
                                     gsize              len,
                                     const char        *needle);

/* Files */
char          *pr_sec_make_tmp_dir  (const char        *prefix);
void           pr_sec_rm_rf         (const char        *path);
GBytes        *pr_sec_random_bytes  (gsize              size,
                                     guint32            seed);
void           pr_sec_write_file    (const char        *path,
                                     const void        *data,
                                     gsize              len);
/* Every entry below @root: path, type, size, mode, SHA-256 or link target */
char          *pr_sec_hash_tree     (const char        *root);
/* Entries below @root whose name matches @glob (e.g. ".upload-*") */
guint          pr_sec_count_matching (const char       *root,
                                      const char       *glob);

/* Figures for the README's Security section: each test adds to them and
 * prints "security: …" test messages */
typedef struct {
  guint requests;
  guint escapes;
} PrSecTally;

extern PrSecTally pr_sec_tally;

G_END_DECLS
