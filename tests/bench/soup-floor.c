/* soup-floor.c — the least a libsoup 3 server can do per request (issue 6 benchmark)
 *
 *   soup-floor DIR PORT
 *
 * Serves the regular files at the top of DIR from memory on 127.0.0.1:PORT
 * with one handler and nothing else: no classification, no registry, no
 * events, no store checks. bench.py runs it beside Phone Rescue, nginx and
 * python as a reference: the share of a request that is libsoup's and GLib's
 * own, which no change in Phone Rescue can remove.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libsoup/soup.h>
#include <stdlib.h>

static GHashTable *files;   /* "/name" → GBytes */

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           data)
{
  GBytes *bytes = g_hash_table_lookup (files, path);

  if (bytes == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "application/octet-stream", NULL);
  if (g_str_equal (soup_server_message_get_method (msg), "GET"))
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  const char *name;

  if (argc != 3)
    {
      g_printerr ("usage: soup-floor DIR PORT\n");
      return 2;
    }
  files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  dir = g_dir_open (argv[1], 0, &error);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (argv[1], name, NULL);
      char *contents;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && g_file_get_contents (path, &contents, &length, NULL))
        g_hash_table_insert (files, g_strconcat ("/", name, NULL), g_bytes_new_take (contents, length));
    }
  if (dir == NULL)
    g_error ("%s", error->message);

  server = soup_server_new ("raw-paths", TRUE, NULL);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, (guint16) atoi (argv[2]));
  if (!soup_server_listen (server, address, 0, &error))
    g_error ("%s", error->message);
  g_main_loop_run (g_main_loop_new (NULL, FALSE));
  return 0;
}
