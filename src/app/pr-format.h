/* pr-format.h — small text helpers for the UI (no GTK, unit-tested)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "1.2 MB of 4.0 MB · 512.0 kB/s · 6 s left"; the rate and ETA parts are left
 * out when @bytes_per_second is 0 or unknown (< 0). */
char *pr_format_progress  (goffset sent,
                           goffset total,
                           double  bytes_per_second);
/* "6 s", "2 min 5 s", "1 h 3 min" */
char *pr_format_duration  (gint64  seconds);
/* Local wall-clock "14:03:27" for a g_get_real_time() value; "" for 0 */
char *pr_format_clock     (gint64  time_us);
/* ISO 8601 local time with offset, "2026-11-25T21:58:28+01:00"; "" for 0 */
char *pr_format_iso_time  (gint64  time_us);

/* A sliding-window transfer rate over the last @window_us microseconds. */
typedef struct {
  gint64  times[16];
  goffset bytes[16];
  guint   head;
  guint   count;
} PrRateMeter;

void    pr_rate_meter_reset (PrRateMeter *meter);
void    pr_rate_meter_add   (PrRateMeter *meter,
                             gint64       time_us,
                             goffset      bytes);
double  pr_rate_meter_get   (PrRateMeter *meter,
                             gint64       window_us);

G_END_DECLS
