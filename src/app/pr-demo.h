/* pr-demo.h — `phone-rescue --demo`: a synthetic firmware store and simulated phones
 *
 * Makes a temporary directory with a store holding a synthetic bundle (random
 * bootrom.ld and sip.ld, sip.cfg, version files) and an uploads folder, and
 * runs simulated phones (src/sim) in this process against the server. The
 * phones run on a thread of their own, with its own main context, so their
 * I/O does not hold up the window's main loop; the API and the signal are
 * for the thread that calls pr_demo_start() (its thread-default context).
 *
 * Signals:
 *   finished ()  — every phone started by pr_demo_start() has finished
 *                  (not emitted by pr_demo_stop())
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PR_DEMO_DEFAULT_PHONES 6

#define PR_TYPE_DEMO (pr_demo_get_type ())
G_DECLARE_FINAL_TYPE (PrDemo, pr_demo, PR, DEMO, GObject)

/* Sizes of the synthetic images; 0 for the demo's defaults */
PrDemo     *pr_demo_new                (gsize        bootrom_size,
                                        gsize        app_size,
                                        GError     **error);
const char *pr_demo_get_dir            (PrDemo      *self);
const char *pr_demo_get_store_root     (PrDemo      *self);
const char *pr_demo_get_uploads_dir    (PrDemo      *self);

/* Pace of the simulated phones (bytes per second read, 0 unlimited; reboot delay) */
void        pr_demo_set_pace           (PrDemo      *self,
                                        guint64      rate_limit,
                                        guint        reboot_delay_ms,
                                        guint        stagger_ms);

/* Start @count phones of assorted models against @server_url; the last
 * @n_failing of them have every application download cut off, so they fail. */
void        pr_demo_start              (PrDemo      *self,
                                        const char  *server_url,
                                        guint        count,
                                        guint        n_failing);
guint       pr_demo_get_n_running      (PrDemo      *self);
/* Stop the phones, wait for their thread to end, and delete the temporary
 * directory (stop the server first). No phone runs after this; idempotent. */
void        pr_demo_stop               (PrDemo      *self);

/* Write the synthetic bundle's files into @dir (tests) */
gboolean    pr_demo_write_bundle       (const char  *dir,
                                        gsize        bootrom_size,
                                        gsize        app_size,
                                        GError     **error);

G_END_DECLS
