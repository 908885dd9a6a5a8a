/* pr-format.c — small text helpers for the UI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pr-format.h"

char *
pr_format_duration (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;
  if (seconds < 60)
    return g_strdup_printf (_("%d s"), (int) seconds);
  if (seconds < 3600)
    return g_strdup_printf (_("%d min %d s"), (int) (seconds / 60), (int) (seconds % 60));
  return g_strdup_printf (_("%d h %d min"), (int) (seconds / 3600), (int) (seconds % 3600 / 60));
}

char *
pr_format_progress (goffset sent,
                    goffset total,
                    double  bytes_per_second)
{
  g_autofree char *sent_text = g_format_size (MAX (sent, 0));
  g_autofree char *total_text = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *eta_text = NULL;
  GString *out = g_string_new (NULL);

  if (total > 0)
    {
      total_text = g_format_size (total);
      /* Translators: bytes sent of the file's size, e.g. "1.2 MB of 4.0 MB" */
      g_string_append_printf (out, _("%s of %s"), sent_text, total_text);
    }
  else
    g_string_append (out, sent_text);

  if (bytes_per_second > 0)
    {
      rate_text = g_format_size ((guint64) bytes_per_second);
      g_string_append (out, " · ");
      /* Translators: a transfer rate, e.g. "512.0 kB/s" */
      g_string_append_printf (out, _("%s/s"), rate_text);
      if (total > sent)
        {
          eta_text = pr_format_duration ((gint64) ((total - sent) / bytes_per_second + 0.5));
          g_string_append (out, " · ");
          /* Translators: time remaining, e.g. "6 s left" */
          g_string_append_printf (out, _("%s left"), eta_text);
        }
    }

  return g_string_free (out, FALSE);
}

static GDateTime *
local_time (gint64 time_us)
{
  return g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
}

char *
pr_format_clock (gint64 time_us)
{
  g_autoptr(GDateTime) dt = NULL;

  if (time_us <= 0)
    return g_strdup ("");
  dt = local_time (time_us);
  return g_date_time_format (dt, "%H:%M:%S");
}

char *
pr_format_iso_time (gint64 time_us)
{
  g_autoptr(GDateTime) dt = NULL;

  if (time_us <= 0)
    return g_strdup ("");
  dt = local_time (time_us);
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");
}

void
pr_rate_meter_reset (PrRateMeter *meter)
{
  memset (meter, 0, sizeof *meter);
}

void
pr_rate_meter_add (PrRateMeter *meter,
                   gint64       time_us,
                   goffset      bytes)
{
  guint n = G_N_ELEMENTS (meter->times);

  /* A smaller count means a new transfer: start over. */
  if (meter->count > 0 && bytes < meter->bytes[(meter->head + n - 1) % n])
    pr_rate_meter_reset (meter);

  meter->times[meter->head] = time_us;
  meter->bytes[meter->head] = bytes;
  meter->head = (meter->head + 1) % n;
  meter->count = MIN (meter->count + 1, n);
}

double
pr_rate_meter_get (PrRateMeter *meter,
                   gint64       window_us)
{
  guint n = G_N_ELEMENTS (meter->times);
  guint newest, oldest;
  gint64 span;

  if (meter->count < 2)
    return 0;

  newest = (meter->head + n - 1) % n;
  oldest = (meter->head + n - meter->count) % n;
  /* Walk forward from the oldest sample until it falls inside the window. */
  while (oldest != newest && meter->times[newest] - meter->times[oldest] > window_us)
    oldest = (oldest + 1) % n;
  if (oldest == newest)
    return 0;

  span = meter->times[newest] - meter->times[oldest];
  if (span <= 0)
    return 0;
  return (double) (meter->bytes[newest] - meter->bytes[oldest]) * G_USEC_PER_SEC / span;
}
