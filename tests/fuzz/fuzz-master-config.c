/* fuzz-master-config.c — libFuzzer harness for the master-config generator
 *
 * Input: file names, one per line, created (empty) in a temporary store;
 * a line starting with "D:" makes a folder, "L:" a symlink to /etc/passwd.
 * The generated 000000000000.cfg must be valid UTF-8 and well-formed XML for
 * GMarkup, its root <APPLICATION>, with no URL in it and no ':' or '\' in
 * any attribute; every name in a CONFIG_FILES list is a regular file of the
 * store that the server can serve.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pr-catalog.h"
#include "pr-master-config.h"
#include "pr-store-path.h"

#define CHECK(cond) do { if (!(cond)) { fprintf (stderr, "check failed: %s\n", #cond); abort (); } } while (0)

static char *root;
static PrCatalog *catalog;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autofree char *base = g_dir_make_tmp ("fuzz-master-config-XXXXXX", NULL);

  if (base == NULL)
    abort ();
  root = g_build_filename (base, "store", NULL);
  if (g_mkdir (root, 0755) != 0)
    abort ();
  catalog = pr_catalog_get_default ();
  return 0;
}

static void
empty_store (void)
{
  GDir *dir = g_dir_open (root, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);

      if (g_unlink (path) != 0)
        g_rmdir (path);
    }
  if (dir != NULL)
    g_dir_close (dir);
}

static void
check_attribute (const char *name, const char *value)
{
  CHECK (strstr (value, "://") == NULL);
  CHECK (strchr (value, ':') == NULL && strchr (value, '\\') == NULL);
  if (g_str_has_prefix (name, "CONFIG_FILES") && value[0] != '\0')
    {
      g_auto(GStrv) files = g_strsplit (value, ", ", -1);

      for (guint i = 0; files[i] != NULL; i++)
        {
          g_autofree char *path = g_build_filename (root, files[i], NULL);
          struct stat st;

          CHECK (pr_store_path_is_safe (files[i]));
          CHECK (lstat (path, &st) == 0 && S_ISREG (st.st_mode));
        }
    }
  if (g_str_has_prefix (name, "APP_FILE_PATH"))
    CHECK (strcmp (value, "sip.ld") == 0);
}

static void
on_start (GMarkupParseContext *context, const char *element, const char **names, const char **values,
          gpointer user_data, GError **error)
{
  int *depth = user_data;

  if (*depth == 0)
    CHECK (strcmp (element, "APPLICATION") == 0);
  else
    CHECK (g_str_has_prefix (element, "APPLICATION_"));
  for (guint i = 0; names[i] != NULL; i++)
    check_attribute (names[i], values[i]);
  (*depth)++;
}

static void
on_end (GMarkupParseContext *context, const char *element, gpointer user_data, GError **error)
{
  int *depth = user_data;

  (*depth)--;
}

static void
check_config (GBytes *bytes)
{
  static const GMarkupParser parser = { on_start, on_end, NULL, NULL, NULL };
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);
  int depth = 0;
  GMarkupParseContext *context = g_markup_parse_context_new (&parser, 0, &depth, NULL);
  GError *error = NULL;
  gboolean ok;

  CHECK (g_utf8_validate (text, len, NULL));
  CHECK (memchr (text, '\0', len) == NULL);
  CHECK (g_strstr_len (text, len, "://") == NULL);
  ok = g_markup_parse_context_parse (context, text, len, &error) &&
       g_markup_parse_context_end_parse (context, &error);
  if (!ok)
    fprintf (stderr, "not well-formed: %s\n%.*s\n", error->message, (int) len, text);
  CHECK (ok);
  CHECK (depth == 0);
  g_markup_parse_context_free (context);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", 13);
  g_autoptr(GBytes) with_catalog = NULL;
  g_autoptr(GBytes) with_table = NULL;

  empty_store ();
  for (guint i = 0; lines[i] != NULL && i < 12; i++)
    {
      const char *name = lines[i];
      char kind = 'F';
      g_autofree char *path = NULL;

      if (g_str_has_prefix (name, "D:") || g_str_has_prefix (name, "L:"))
        {
          kind = name[0];
          name += 2;
        }
      if (name[0] == '\0' || strchr (name, '/') != NULL || strcmp (name, ".") == 0 ||
          strcmp (name, "..") == 0 || strlen (name) > 200)
        continue;
      path = g_build_filename (root, name, NULL);
      if (kind == 'D')
        g_mkdir (path, 0755);
      else if (kind == 'L')
        (void) !symlink ("/etc/passwd", path);
      else
        {
          int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
          if (fd >= 0)
            close (fd);
        }
    }

  with_catalog = pr_master_config_generate_full (root, catalog, NULL);
  check_config (with_catalog);
  with_table = pr_master_config_generate_full (root, NULL, NULL);
  check_config (with_table);
  return 0;
}
