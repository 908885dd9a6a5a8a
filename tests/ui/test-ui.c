/* test-ui.c — the application in-process: empty states, import, start errors,
 * simulated phones turning green (or red, with the reason), screenshots
 *
 * Runs under Xvfb (tests/ui/meson.build). Waits on conditions with a timeout,
 * never on fixed sleeps. Screenshots go to $G_TEST_BUILDDIR/screenshots/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "phone-rescue-core.h"
#include "pr-address-picker.h"
#include "pr-application.h"
#include "pr-demo.h"
#include "pr-firmware-page.h"
#include "pr-phone-card.h"
#include "pr-phone-details.h"
#include "pr-request-log-view.h"
#include "pr-window.h"

#define N_GOOD_PHONES 6
#define N_BAD_PHONES  1
#define TIMEOUT_S     90

static struct {
  char          *tmp;
  PrApplication *app;
  PrWindow      *window;
  PrDemo        *phones;
  char          *shots;
  GPtrArray     *notifications;   /* summaries */
} ui;

/* Waiting */

typedef gboolean (*Condition) (gpointer data);

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;
  guint wake = g_timeout_add (50, wake_cb, NULL);
  gboolean ok;

  while (!(ok = condition (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  if (!ok)
    g_test_message ("Timed out waiting for %s", what);
  return ok;
}

static void
on_after_paint (GdkFrameClock *clock,
                guint         *frames)
{
  ++*frames;
}

static gboolean
painted (gpointer data)
{
  return *(guint *) data >= 1;
}

/* Let pending work run and the window paint a frame */
static void
settle_widget (GtkWidget *widget)
{
  GdkFrameClock *clock;
  guint frames = 0;
  gulong handler;

  while (g_main_context_iteration (NULL, FALSE))
    ;
  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &frames);
  gtk_widget_queue_draw (widget);
  g_assert_true (wait_for (painted, &frames, "the window to paint"));
  g_signal_handler_disconnect (clock, handler);
}

static void
settle (void)
{
  settle_widget (GTK_WIDGET (ui.window));
}

/* Screenshots */

static GskRenderNode *
render_widget (GtkWidget    *widget,
               GdkPaintable *paintable,
               int           width,
               int           height)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  /* Made before the window paints, so that it picks up the painted frame */
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s.png", ui.shots, name);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = 0, height = 0;

  /* The paintable follows the widget's painted frames; wait for one */
  for (guint attempt = 0; node == NULL && attempt < 10; attempt++)
    {
      settle_widget (widget);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      node = render_widget (widget, paintable, width, height);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot %s", path);
}

/* Widget tree */

static void
collect_cards (GtkWidget *widget,
               GPtrArray *out)
{
  if (PR_IS_PHONE_CARD (widget) && pr_phone_card_get_phone (PR_PHONE_CARD (widget)) != NULL)
    {
      g_ptr_array_add (out, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_cards (child, out);
}

static GPtrArray *
cards (void)
{
  GPtrArray *out = g_ptr_array_new ();

  collect_cards (pr_window_get_grid (ui.window), out);
  return out;
}

static GtkWidget *
find_label_containing (GtkWidget  *widget,
                       const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_containing (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
no_dialog (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

static PrSession *
session (void)
{
  return pr_window_get_session (ui.window);
}

/* Fixtures */

static gboolean
write_zip_entry (struct archive *zip,
                 const char     *dir,
                 const char     *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len;
  struct archive_entry *entry;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  entry = archive_entry_new ();
  archive_entry_set_pathname (entry, name);
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0644);
  archive_entry_set_size (entry, len);
  g_assert_cmpint (archive_write_header (zip, entry), ==, ARCHIVE_OK);
  g_assert_cmpint (archive_write_data (zip, contents, len), ==, (la_ssize_t) len);
  archive_entry_free (entry);
  return TRUE;
}

/* A vendor-like zip of the synthetic bundle: bootrom.ld, sip.ld, sip.cfg, .ver files */
static char *
make_bundle_zip (void)
{
  g_autofree char *dir = g_build_filename (ui.tmp, "bundle", NULL);
  char *zip_path = g_build_filename (ui.tmp, "spip_ssip_synthetic_3_2_4_release_sig.zip", NULL);
  const char *names[] = { "bootrom.ld", "bootrom.ver", "sip.ld", "sip.ver", "sip.cfg" };
  struct archive *zip = archive_write_new ();

  g_assert_true (pr_demo_write_bundle (dir, 256 * 1024, 768 * 1024, NULL));
  archive_write_set_format_zip (zip);
  g_assert_cmpint (archive_write_open_filename (zip, zip_path), ==, ARCHIVE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    write_zip_entry (zip, dir, names[i]);
  archive_write_close (zip);
  archive_write_free (zip);
  return zip_path;
}

/* Tests, in order: each builds on the one before */

static gboolean
window_shown (gpointer data)
{
  return ui.window != NULL && gtk_widget_get_mapped (GTK_WIDGET (ui.window));
}

static void
test_startup (void)
{
  g_autoptr(GError) error = NULL;

  ui.app = pr_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (ui.app), NULL, &error));
  g_assert_no_error (error);
  /* Screenshots show end states, not transitions */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_application_activate (G_APPLICATION (ui.app));
  ui.window = PR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (ui.app)));
  g_assert_nonnull (ui.window);
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 1200, 860);
  g_assert_true (wait_for (window_shown, NULL, "the window"));

  /* An empty store: the first thing to do is get firmware */
  g_assert_cmpstr (pr_window_get_phones_state (ui.window), ==, "no-firmware");
  g_assert_nonnull (find_label_containing (GTK_WIDGET (ui.window), "Drop a Firmware Zip Here"));
  screenshot (GTK_WIDGET (ui.window), "01-no-firmware");
}

static gboolean
import_done (gpointer data)
{
  return !pr_window_get_importing (ui.window);
}

static void
test_import (void)
{
  g_autofree char *zip_path = make_bundle_zip ();
  g_autoptr(GFile) zip = g_file_new_for_path (zip_path);
  g_autofree char *bogus_path = g_build_filename (ui.tmp, "notes.txt", NULL);
  g_autoptr(GFile) bogus = g_file_new_for_path (bogus_path);
  AdwMessageDialog *dialog;

  /* Something that is not firmware: the importer's reason, in a dialog */
  g_assert_true (g_file_set_contents (bogus_path, "not firmware", -1, NULL));
  pr_window_import_files (ui.window, &bogus, 1);
  g_assert_true (wait_for (import_done, NULL, "the bogus import"));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "not a firmware bundle"));
  adw_message_dialog_response (dialog, "close");
  gtk_window_close (GTK_WINDOW (dialog));   /* as its button does */
  g_assert_true (wait_for (no_dialog, NULL, "the dialog to close"));

  /* The same path a drop takes */
  pr_window_import_files (ui.window, &zip, 1);
  g_assert_true (pr_window_get_importing (ui.window));
  g_assert_true (wait_for (import_done, NULL, "the import"));
  g_assert_true (pr_session_get_has_firmware (session ()));
  g_assert_cmpstr (pr_window_get_phones_state (ui.window), ==, "stopped");
  screenshot (GTK_WIDGET (ui.window), "02-stopped");

  pr_window_show_page (ui.window, "firmware");
  g_assert_cmpuint (pr_firmware_page_get_n_bundles (PR_FIRMWARE_PAGE (pr_window_get_firmware_page (ui.window))), >=, 1);
  screenshot (GTK_WIDGET (ui.window), "03-firmware");
  pr_window_show_page (ui.window, "phones");
}

static gboolean
import_progressed (gpointer data)
{
  GtkProgressBar *bar = data;

  return !pr_window_get_importing (ui.window) || gtk_progress_bar_get_fraction (bar) > 0;
}

static GtkProgressBar *
find_progress_bar (GtkWidget *widget)
{
  if (GTK_IS_PROGRESS_BAR (widget) && gtk_widget_get_mapped (widget))
    return GTK_PROGRESS_BAR (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkProgressBar *found = find_progress_bar (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A big import shows its progress row; Cancel stops it and changes nothing */
static void
test_import_cancel (void)
{
  g_autofree char *dir = g_build_filename (ui.tmp, "big", NULL);
  g_autofree char *zip_path = g_build_filename (ui.tmp, "spip_ssip_big_3_2_4_release_sig.zip", NULL);
  g_autoptr(GFile) zip = g_file_new_for_path (zip_path);
  PrFirmwarePage *page = PR_FIRMWARE_PAGE (pr_window_get_firmware_page (ui.window));
  guint bundles = pr_firmware_page_get_n_bundles (page);
  struct archive *archive = archive_write_new ();
  GtkProgressBar *bar;

  g_assert_true (pr_demo_write_bundle (dir, 64 * 1024 * 1024, 64 * 1024 * 1024, NULL));
  archive_write_set_format_zip (archive);
  archive_write_set_options (archive, "zip:compression=store");
  g_assert_cmpint (archive_write_open_filename (archive, zip_path), ==, ARCHIVE_OK);
  write_zip_entry (archive, dir, "bootrom.ld");
  write_zip_entry (archive, dir, "sip.ld");
  archive_write_close (archive);
  archive_write_free (archive);

  pr_window_import_files (ui.window, &zip, 1);
  g_assert_true (pr_window_get_importing (ui.window));
  bar = find_progress_bar (GTK_WIDGET (ui.window));
  g_assert_nonnull (bar);
  wait_for (import_progressed, bar, "import progress");
  if (pr_window_get_importing (ui.window))
    {
      screenshot (GTK_WIDGET (ui.window), "02-importing");
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.cancel-import", NULL));
    }
  g_assert_true (wait_for (import_done, NULL, "the import to stop"));
  g_assert_cmpuint (pr_firmware_page_get_n_bundles (page), ==, bundles);
}

static PrAddressPicker *
picker (void)
{
  GtkWidget *found = NULL;
  GtkWidget *stack[64];
  guint n = 0;

  stack[n++] = GTK_WIDGET (ui.window);
  while (n > 0 && found == NULL)
    {
      GtkWidget *widget = stack[--n];
      if (PR_IS_ADDRESS_PICKER (widget))
        found = widget;
      for (GtkWidget *c = gtk_widget_get_first_child (widget); c && n < G_N_ELEMENTS (stack); c = gtk_widget_get_next_sibling (c))
        stack[n++] = c;
    }
  return PR_ADDRESS_PICKER (found);
}

static void
test_port_busy (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  GSettings *settings = pr_session_get_settings (session ());
  AdwMessageDialog *dialog;
  guint port;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  g_assert_true (g_socket_listen (socket, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  g_assert_nonnull (picker ());
  g_assert_true (pr_address_picker_select (picker (), "127.0.0.1"));
  g_settings_set_uint (settings, "port", port);
  settle ();

  g_assert_false (pr_window_start_server (ui.window));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_test_message ("%s: %s", adw_message_dialog_get_heading (dialog), adw_message_dialog_get_body (dialog));
  g_assert_true (adw_message_dialog_has_response (dialog, "fallback"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "http://127.0.0.1:8080"));
  screenshot (GTK_WIDGET (dialog), "04-port-busy");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (no_dialog, NULL, "the dialog to close"));
  g_assert_false (pr_session_get_running (session ()));
}

/* Port 80 refused (tests run as root, so the error is made up): the dialog
 * offers port 8080 with the address to type, and the sysctl line to copy */
static void
test_port_privileged (void)
{
  g_autoptr(GError) error = g_error_new (PR_ERROR, PR_ERROR_PORT_PRIVILEGED, "Port 80 needs privileges");
  AdwMessageDialog *dialog;

  pr_window_show_start_error (ui.window, error, "192.168.1.5", 80);
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "fallback"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "fallback"), ==, "_Use Port 8080");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "http://192.168.1.5:8080"));
  g_assert_nonnull (find_label_containing (GTK_WIDGET (dialog), "sysctl net.ipv4.ip_unprivileged_port_start=80"));
  screenshot (GTK_WIDGET (dialog), "04-port-privileged");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_for (no_dialog, NULL, "the dialog to close"));
}

static void
test_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  /* Loopback, port 0: the tests never collide */
  g_assert_true (pr_session_start (session (), "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  settle ();
  g_assert_cmpstr (pr_window_get_phones_state (ui.window), ==, "waiting");
  address = pr_session_dup_phone_address (session ());
  g_assert_nonnull (find_label_containing (GTK_WIDGET (ui.window), address));
  g_assert_nonnull (find_label_containing (GTK_WIDGET (ui.window), "firewall-cmd --add-port="));
  screenshot (GTK_WIDGET (ui.window), "05-waiting");

  pr_window_show_page (ui.window, "setup");
  settle ();
  g_assert_nonnull (find_label_containing (GTK_WIDGET (ui.window), address));
  screenshot (GTK_WIDGET (ui.window), "06-setup");
  pr_window_show_page (ui.window, "phones");
}

static gboolean
some_phone_in_progress (gpointer data)
{
  GListModel *phones = G_LIST_MODEL (pr_session_get_registry (session ()));
  guint n = g_list_model_get_n_items (phones);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PrPhone) phone = g_list_model_get_item (phones, i);
      if (pr_phone_get_stage (phone) == PR_STAGE_APPLICATION && pr_phone_get_bytes_sent (phone) > 0)
        return n >= 3;
    }
  return FALSE;
}

/* Every card shows its phone's final state: green, or red with the reason */
static gboolean
all_cards_final (gpointer data)
{
  g_autoptr(GPtrArray) found = cards ();
  guint done = 0, failed = 0;

  for (guint i = 0; i < found->len; i++)
    {
      GtkWidget *card = g_ptr_array_index (found, i);
      PrPhone *phone = pr_phone_card_get_phone (PR_PHONE_CARD (card));

      if (pr_phone_get_stage (phone) == PR_STAGE_DONE && gtk_widget_has_css_class (card, "done"))
        done++;
      else if (pr_phone_get_stage (phone) == PR_STAGE_FAILED && gtk_widget_has_css_class (card, "failed") &&
               g_strcmp0 (pr_phone_card_get_status_text (PR_PHONE_CARD (card)), pr_phone_get_reason (phone)) == 0)
        failed++;
    }
  /* The failing phone keeps retrying until it gives up: wait for that too */
  return done == N_GOOD_PHONES && failed == N_BAD_PHONES && pr_demo_get_n_running (ui.phones) == 0;
}

static gboolean
all_notified (gpointer data)
{
  return ui.notifications->len >= N_GOOD_PHONES + N_BAD_PHONES;
}

static void
test_rescue (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) urls = pr_server_get_urls (pr_session_get_server (session ()));
  g_autoptr(GPtrArray) found = NULL;

  ui.phones = pr_demo_new (4096, 4096, &error);
  g_assert_no_error (error);
  /* Slow enough that the progress is visible, fast enough for a test */
  pr_demo_set_pace (ui.phones, 512 * 1024, 300, 150);
  pr_demo_start (ui.phones, urls[0], N_GOOD_PHONES + N_BAD_PHONES, N_BAD_PHONES);

  g_assert_true (wait_for (some_phone_in_progress, NULL, "a phone installing its application"));
  settle ();
  g_assert_cmpstr (pr_window_get_phones_state (ui.window), ==, "phones");
  screenshot (GTK_WIDGET (ui.window), "07-progress");

  g_assert_true (wait_for (all_cards_final, NULL, "every card to reach done or failed"));
  found = cards ();
  g_assert_cmpuint (found->len, ==, N_GOOD_PHONES + N_BAD_PHONES);
  for (guint i = 0; i < found->len; i++)
    {
      PrPhoneCard *card = g_ptr_array_index (found, i);
      /* Redraws are coalesced: far fewer than the phone's notifications */
      g_assert_cmpuint (pr_phone_card_get_update_count (card), <, 400);
    }
  screenshot (GTK_WIDGET (ui.window), "08-done");

  /* Without a window manager the window is not focused: each phone that
   * finished or failed was announced */
  if (!gtk_window_is_active (GTK_WINDOW (ui.window)))
    {
      for (guint i = 0; i < ui.notifications->len; i++)
        g_test_message ("Notification: %s", (char *) g_ptr_array_index (ui.notifications, i));
      g_assert_true (wait_for (all_notified, NULL, "the notifications"));
    }
}

/* The scrolled window around the request list below @widget */
static GtkScrolledWindow *
find_scroller (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget) && gtk_widget_has_css_class (widget, "request-log"))
    return GTK_SCROLLED_WINDOW (gtk_widget_get_parent (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found = find_scroller (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
log_at_end (gpointer data)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (find_scroller (data));

  return gtk_adjustment_get_upper (adj) > gtk_adjustment_get_page_size (adj) &&
         gtk_adjustment_get_value (adj) >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 1;
}

static GtkDropDown *
find_dropdown (GtkWidget  *widget,
               const char *tooltip)
{
  if (GTK_IS_DROP_DOWN (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return GTK_DROP_DOWN (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkDropDown *found = find_dropdown (child, tooltip);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
one_card_shown (gpointer data)
{
  g_autoptr(GPtrArray) found = cards ();

  return found->len == 1 &&
         pr_phone_get_stage (pr_phone_card_get_phone (g_ptr_array_index (found, 0))) == PR_STAGE_FAILED;
}

static gboolean
all_cards_shown (gpointer data)
{
  g_autoptr(GPtrArray) found = cards ();

  return found->len == N_GOOD_PHONES + N_BAD_PHONES;
}

/* "Need Attention" shows only the failed phone: at 200 phones it must be findable */
static void
test_filter (void)
{
  GtkDropDown *filter = find_dropdown (GTK_WIDGET (ui.window), "Show only some of the phones");

  g_assert_nonnull (filter);
  gtk_drop_down_set_selected (filter, 1);
  g_assert_true (wait_for (one_card_shown, NULL, "only the failed phone"));
  screenshot (GTK_WIDGET (ui.window), "08-need-attention");
  gtk_drop_down_set_selected (filter, 0);
  g_assert_true (wait_for (all_cards_shown, NULL, "every phone again"));
}

static void
test_log (void)
{
  PrRequestLogView *log = PR_REQUEST_LOG_VIEW (pr_window_get_log_view (ui.window));

  g_assert_cmpuint (g_list_model_get_n_items (pr_request_log_view_get_records (log)), >, 20);
  pr_window_show_page (ui.window, "log");
  /* Like tail -f: the newest request is in view */
  g_assert_true (wait_for (log_at_end, log, "the log to show its newest line"));
  screenshot (GTK_WIDGET (ui.window), "09-log");

  /* Filtered to one phone: only its requests */
  {
    GListModel *phones = G_LIST_MODEL (pr_session_get_registry (session ()));
    g_autoptr(PrPhone) phone = g_list_model_get_item (phones, 0);
    guint all = pr_request_log_view_get_n_visible (log);

    pr_request_log_view_show_phone (log, phone);
    g_assert_cmpuint (pr_request_log_view_get_n_visible (log), >, 0);
    g_assert_cmpuint (pr_request_log_view_get_n_visible (log), <, all);
    pr_request_log_view_show_phone (log, NULL);
    g_assert_cmpuint (pr_request_log_view_get_n_visible (log), ==, all);
  }
  pr_window_show_page (ui.window, "phones");
}

static gboolean
details_shown (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
test_details (void)
{
  GListModel *phones = G_LIST_MODEL (pr_session_get_registry (session ()));
  g_autoptr(PrPhone) failed = NULL;
  PrPhoneDetails *details;
  g_autofree char *text = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (phones) && failed == NULL; i++)
    {
      g_autoptr(PrPhone) phone = g_list_model_get_item (phones, i);
      if (pr_phone_get_stage (phone) == PR_STAGE_FAILED)
        failed = g_steal_pointer (&phone);
    }
  g_assert_nonnull (failed);
  g_assert_nonnull (pr_phone_get_reason (failed));

  details = pr_phone_details_new (GTK_WINDOW (ui.window), failed);
  gtk_window_present (GTK_WINDOW (details));
  g_assert_true (wait_for (details_shown, details, "the details window"));
  text = pr_phone_details_dup_text (details);
  g_assert_nonnull (strstr (text, pr_phone_get_reason (failed)));
  g_assert_nonnull (strstr (text, "GET /"));
  screenshot (GTK_WIDGET (details), "10-details");
  gtk_window_destroy (GTK_WINDOW (details));
}

static gboolean
toplevel_shown (gpointer data)
{
  GtkWindow *window = find_toplevel (GPOINTER_TO_SIZE (data));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

/* Preferences, keyboard shortcuts and About open from their actions */
static void
test_windows (void)
{
  static const struct { const char *action; const char *type; const char *shot; } windows[] = {
    { "app.preferences", "PrPreferencesWindow", "11-preferences" },
    { "win.show-help-overlay", "GtkShortcutsWindow", "12-shortcuts" },
    { "app.about", "AdwAboutWindow", "13-about" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (windows); i++)
    {
      GType type = g_type_from_name (windows[i].type);
      GtkWindow *window;

      g_assert_true (type != 0 || g_str_equal (windows[i].type, "PrPreferencesWindow"));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), windows[i].action, NULL));
      type = g_type_from_name (windows[i].type);
      g_assert_true (wait_for (toplevel_shown, GSIZE_TO_POINTER (type), windows[i].type));
      window = find_toplevel (type);
      screenshot (GTK_WIDGET (window), windows[i].shot);
      gtk_window_destroy (window);
    }
}

static void
test_stop (void)
{
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.toggle-server", NULL);
  settle ();
  g_assert_false (pr_session_get_running (session ()));
  /* The phones stay on screen for the report */
  g_assert_cmpstr (pr_window_get_phones_state (ui.window), ==, "phones");
}

/* A notification server on the test's session bus: counts what the app sends */

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "</interface></node>";

static void
notifications_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *path,
                    const char            *interface,
                    const char            *method,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               data)
{
  if (g_str_equal (method, "Notify"))
    {
      const char *summary = NULL;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_ptr_array_add (ui.notifications, g_strdup (summary));
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", ui.notifications->len));
    }
  else if (g_str_equal (method, "GetCapabilities"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new_parsed ("(@as [],)"));
  else if (g_str_equal (method, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "test", "test", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
start_notification_server (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_call };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  ui.notifications = g_ptr_array_new_with_free_func (g_free);
  if (bus == NULL)
    return;
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                     &vtable, NULL, NULL, NULL);
  g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                NULL, NULL, NULL, NULL);
}

static void
delete_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFile *child;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) && child != NULL)
    delete_tree (child);
  g_file_delete (file, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("PHONE_RESCUE_TEST", "1", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  ui.tmp = g_dir_make_tmp ("phone-rescue-ui-XXXXXX", &error);
  g_assert_no_error (error);
  /* The store and the uploads go below here, never into the user's data */
  data_home = g_build_filename (ui.tmp, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  ui.shots = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                               "screenshots", NULL);
  g_mkdir_with_parents (ui.shots, 0755);

  g_test_init (&argc, &argv, NULL);
  start_notification_server ();
  g_test_add_func ("/ui/startup", test_startup);
  g_test_add_func ("/ui/import", test_import);
  g_test_add_func ("/ui/import-cancel", test_import_cancel);
  g_test_add_func ("/ui/port-busy", test_port_busy);
  g_test_add_func ("/ui/port-privileged", test_port_privileged);
  g_test_add_func ("/ui/start", test_start);
  g_test_add_func ("/ui/rescue", test_rescue);
  g_test_add_func ("/ui/filter", test_filter);
  g_test_add_func ("/ui/log", test_log);
  g_test_add_func ("/ui/details", test_details);
  g_test_add_func ("/ui/windows", test_windows);
  g_test_add_func ("/ui/stop", test_stop);
  status = g_test_run ();

  if (ui.phones != NULL)
    pr_demo_stop (ui.phones);
  g_clear_object (&ui.phones);
  if (ui.window != NULL)
    gtk_window_destroy (GTK_WINDOW (ui.window));
  g_clear_object (&ui.app);
  {
    g_autoptr(GFile) tmp = g_file_new_for_path (ui.tmp);
    delete_tree (tmp);
  }
  g_free (ui.shots);
  g_free (ui.tmp);
  return status;
}
