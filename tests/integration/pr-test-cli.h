/* pr-test-cli.h — the real phone-rescue-cli as a subprocess of a test
 *
 * Starts `phone-rescue-cli serve --store DIR --uploads DIR --address 127.0.0.1
 * --port 0 --json` (the binary named by $PHONE_RESCUE_CLI), reads its stdout
 * line by line without blocking the main loop and keeps every JSON event.
 * The child gets SIGTERM if the test process dies, so no server outlives it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PR_TEST_TYPE_CLI (pr_test_cli_get_type ())
G_DECLARE_FINAL_TYPE (PrTestCli, pr_test_cli, PR_TEST, CLI, GObject)

/* NULL when $PHONE_RESCUE_CLI is not set */
const char *pr_test_cli_program          (void);

PrTestCli  *pr_test_cli_start            (const char  *store_dir,
                                          const char  *uploads_dir,
                                          GError     **error);
/* Wait until the CLI said where it listens; FALSE at @deadline
 * (g_get_monotonic_time() µs) or when it exited first */
gboolean    pr_test_cli_wait_listening   (PrTestCli   *self,
                                          gint64       deadline);
/* "http://127.0.0.1:41234/" */
const char *pr_test_cli_get_url          (PrTestCli   *self);
/* Every event read so far: a GPtrArray of GHashTable (see json-line.h) */
GPtrArray  *pr_test_cli_get_events       (PrTestCli   *self);
/* Lines on stdout that are not JSON objects (the contract says: none) */
GPtrArray  *pr_test_cli_get_bad_lines    (PrTestCli   *self);
gboolean    pr_test_cli_has_exited       (PrTestCli   *self);
/* SIGTERM, then wait for the exit and the end of stdout until @deadline
 * (force-killed after it). TRUE when the CLI exited with status 0. */
gboolean    pr_test_cli_stop             (PrTestCli   *self,
                                          gint64       deadline,
                                          GError     **error);

/* Iterate the default main context until @condition holds or @deadline
 * passes; returns the condition's last value */
typedef gboolean (*PrTestCondition) (gpointer data);

gboolean    pr_test_wait_until           (PrTestCondition  condition,
                                          gpointer         data,
                                          gint64           deadline);

G_END_DECLS
