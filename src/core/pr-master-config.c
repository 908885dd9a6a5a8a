/* pr-master-config.c — a minimal generated master config
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-master-config.h"

#include <glib/gstdio.h>

static const char *const config_files[] = { "sip.cfg", "phone1.cfg", NULL };

GBytes *
pr_master_config_generate (const char *store_root)
{
  g_autoptr(GString) configs = g_string_new (NULL);
  g_autoptr(GString) xml = g_string_new ("<?xml version=\"1.0\" standalone=\"yes\"?>\n");

  for (guint i = 0; config_files[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (store_root, config_files[i], NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (configs->len > 0)
        g_string_append (configs, ", ");
      g_string_append (configs, config_files[i]);
    }
  g_string_append_printf (xml,
                          "<APPLICATION APP_FILE_PATH=\"sip.ld\" CONFIG_FILES=\"%s\" MISC_FILES=\"\" "
                          "LOG_FILE_DIRECTORY=\"\" OVERRIDES_DIRECTORY=\"\" CONTACTS_DIRECTORY=\"\"/>\n",
                          configs->str);
  return g_string_free_to_bytes (g_steal_pointer (&xml));
}
