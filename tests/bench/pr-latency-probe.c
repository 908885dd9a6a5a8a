/* pr-latency-probe.c — how responsive is the GTK app with hundreds of phones? (issue 6)
 *
 * Loaded with LD_PRELOAD into phone-rescue; nothing in the app changes.
 *   PR_LATENCY_PROBE_OUT=FILE       the JSON summary (default: stderr)
 *   PR_LATENCY_PROBE_DELAY=N        start measuring N seconds after the first window is shown (default 0)
 *   PR_LATENCY_PROBE_SECONDS=N      measure for N seconds, then quit the app (default 30)
 *
 * It measures:
 *  - main-loop latency: how late a 10 ms timeout runs, at G_PRIORITY_DEFAULT
 *    (where input events are handled: what a click waits) and at
 *    GDK_PRIORITY_REDRAW (where frames are laid out and drawn);
 *  - frames of the main window: the interval between frames and the time
 *    from "before-paint" to "after-paint" (layout and drawing).
 * Run by latency.sh under xvfb-run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>

#define PERIOD_US (10 * 1000)

typedef struct {
  const char *name;
  GArray     *samples;    /* gint64 µs */
  gint64      expected;
} Series;

static Series loop_default = { "loop_default_priority_late_us" };
static Series loop_redraw = { "loop_redraw_priority_late_us" };
static Series frame_interval = { "frame_interval_us" };
static Series frame_paint = { "frame_paint_us" };
static gint64 paint_started, last_frame;
static guint seconds = 30, delay;
static gboolean measuring;

static void
add (Series *s, gint64 value)
{
  if (s->samples == NULL)
    s->samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (s->samples, value);
}

static gboolean
on_tick (gpointer data)
{
  Series *s = data;
  gint64 now = g_get_monotonic_time ();

  if (measuring && s->expected != 0)
    add (s, MAX (0, now - s->expected));
  s->expected = now + PERIOD_US;
  return G_SOURCE_CONTINUE;
}

static int
compare (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static void
write_series (GString *out, Series *s)
{
  guint n = s->samples ? s->samples->len : 0;
  gint64 *v;

  g_string_append_printf (out, "  \"%s\": {\"count\": %u", s->name, n);
  if (n > 0)
    {
      g_array_sort (s->samples, compare);
      v = (gint64 *) s->samples->data;
      g_string_append_printf (out, ", \"p50\": %" G_GINT64_FORMAT ", \"p95\": %" G_GINT64_FORMAT
                              ", \"p99\": %" G_GINT64_FORMAT ", \"max\": %" G_GINT64_FORMAT,
                              v[n / 2], v[MIN (n - 1, n * 95 / 100)], v[MIN (n - 1, n * 99 / 100)], v[n - 1]);
    }
  g_string_append (out, "}");
}

static gboolean
finish (gpointer data)
{
  g_autoptr(GString) out = g_string_new ("{\n");
  const char *path = g_getenv ("PR_LATENCY_PROBE_OUT");
  GApplication *app = g_application_get_default ();

  measuring = FALSE;
  g_string_append_printf (out, "  \"seconds\": %u,\n", seconds);
  write_series (out, &loop_default);
  g_string_append (out, ",\n");
  write_series (out, &loop_redraw);
  g_string_append (out, ",\n");
  write_series (out, &frame_interval);
  g_string_append (out, ",\n");
  write_series (out, &frame_paint);
  g_string_append (out, "\n}\n");
  if (path == NULL || !g_file_set_contents (path, out->str, out->len, NULL))
    fputs (out->str, stderr);
  if (app != NULL)
    g_application_quit (app);
  return G_SOURCE_REMOVE;
}

static void
on_before_paint (GdkFrameClock *clock, gpointer data)
{
  paint_started = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock, gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (measuring && paint_started != 0)
    add (&frame_paint, now - paint_started);
  if (measuring && last_frame != 0)
    add (&frame_interval, now - last_frame);
  last_frame = now;
}

static gboolean
start_measuring (gpointer data)
{
  measuring = TRUE;
  g_timeout_add_seconds (seconds, finish, NULL);
  return G_SOURCE_REMOVE;
}

/* Waits for the first mapped window, then measures */
static gboolean
find_window (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);
      GdkFrameClock *clock = gtk_widget_get_mapped (window) ? gtk_widget_get_frame_clock (window) : NULL;

      if (clock == NULL)
        continue;
      g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), NULL);
      g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
      if (delay > 0)
        g_timeout_add_seconds (delay, start_measuring, NULL);
      else
        start_measuring (NULL);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

__attribute__ ((constructor)) static void
probe_init (void)
{
  const char *s = g_getenv ("PR_LATENCY_PROBE_SECONDS");
  guint64 n;

  if (s != NULL && g_ascii_string_to_unsigned (s, 10, 1, 3600, &n, NULL))
    seconds = (guint) n;
  s = g_getenv ("PR_LATENCY_PROBE_DELAY");
  if (s != NULL && g_ascii_string_to_unsigned (s, 10, 0, 3600, &n, NULL))
    delay = (guint) n;
  g_timeout_add_full (G_PRIORITY_DEFAULT, PERIOD_US / 1000, on_tick, &loop_default, NULL);
  g_timeout_add_full (GDK_PRIORITY_REDRAW, PERIOD_US / 1000, on_tick, &loop_redraw, NULL);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 100, find_window, NULL, NULL);
}
