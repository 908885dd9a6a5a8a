/* fuzz-importer.c — libFuzzer harness for the bundle importer
 *
 * Input: one byte choosing the file name (a .zip, a tarball, a lone .ld …),
 * then the archive bytes. Each run imports into a fresh store in a fresh
 * folder R (R/in holds the input, R/store the store). The import either
 * succeeds or fails with a PR_ERROR; afterwards R holds only in/ and store/
 * (no temporary folder left beside the store), in/ only the untouched input,
 * the store only folders and regular files whose real paths are inside it,
 * and the folder above R has not changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <dirent.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pr-bundle-importer.h"
#include "pr-catalog.h"
#include "pr-error.h"

#define CHECK(cond) do { if (!(cond)) { fprintf (stderr, "check failed: %s\n", #cond); abort (); } } while (0)

static const char *const names[] = {
  "spip_ssip_3_2_3_release_sig_split.zip", "bundle.tar", "bundle.tar.gz", "sip.ld",
  "bundle.tar.xz", "bundle.tar.bz2", "2345-12360-001.bootrom.ld", "bundle",
};

static char *base;
static char *base_listing;
static char *parent;
static char *parent_listing;   /* checked when run-fuzzer.sh gave us a TMPDIR of our own */
static guint64 runs;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static char *
list_dir (const char *path)
{
  g_autoptr(GPtrArray) names_found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);
  DIR *dir = opendir (path);
  struct dirent *entry;

  while (dir != NULL && (entry = readdir (dir)) != NULL)
    if (strcmp (entry->d_name, ".") != 0 && strcmp (entry->d_name, "..") != 0)
      g_ptr_array_add (names_found, g_strdup (entry->d_name));
  if (dir != NULL)
    closedir (dir);
  g_ptr_array_sort (names_found, compare_names);
  for (guint i = 0; i < names_found->len; i++)
    g_string_append_printf (out, "%s\n", (char *) names_found->pdata[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
rm_rf (const char *path)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      DIR *dir = opendir (path);
      struct dirent *entry;

      chmod (path, 0700);
      while (dir != NULL && (entry = readdir (dir)) != NULL)
        if (strcmp (entry->d_name, ".") != 0 && strcmp (entry->d_name, "..") != 0)
          {
            g_autofree char *child = g_build_filename (path, entry->d_name, NULL);
            rm_rf (child);
          }
      if (dir != NULL)
        closedir (dir);
      rmdir (path);
    }
  else
    unlink (path);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  base = g_dir_make_tmp ("fuzz-importer-XXXXXX", NULL);
  if (base == NULL)
    abort ();
  base_listing = list_dir (base);
  if (g_getenv ("PR_FUZZ_PRIVATE_TMP") != NULL)
    {
      parent = g_path_get_dirname (base);
      parent_listing = list_dir (parent);
    }
  /* first-use allocations (types, quarks, catalog) before leak checking */
  pr_catalog_get_default ();
  g_type_ensure (PR_TYPE_BUNDLE_IMPORTER);
  return 0;
}

/* Everything below @path is a folder or a regular file inside @store_real */
static void
check_store (const char *path, const char *store_real)
{
  struct stat st;
  char *real;
  size_t len = strlen (store_real);

  CHECK (lstat (path, &st) == 0);
  CHECK (S_ISDIR (st.st_mode) || S_ISREG (st.st_mode));
  real = realpath (path, NULL);
  CHECK (real != NULL && strncmp (real, store_real, len) == 0 && (real[len] == '/' || real[len] == '\0'));
  free (real);
  if (S_ISDIR (st.st_mode))
    {
      DIR *dir = opendir (path);
      struct dirent *entry;

      CHECK (dir != NULL);
      while ((entry = readdir (dir)) != NULL)
        if (strcmp (entry->d_name, ".") != 0 && strcmp (entry->d_name, "..") != 0)
          {
            g_autofree char *child = g_build_filename (path, entry->d_name, NULL);
            check_store (child, store_real);
          }
      closedir (dir);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *run = NULL, *in = NULL, *store = NULL, *input = NULL;
  g_autofree char *listing = NULL, *in_listing = NULL, *expected_in = NULL, *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(PrBundleImporter) importer = NULL;
  g_autoptr(GPtrArray) bundles = NULL;
  const char *name;
  gsize length = 0;

  if (size == 0)
    return 0;
  name = names[data[0] % G_N_ELEMENTS (names)];
  run = g_strdup_printf ("%s/run-%" G_GUINT64_FORMAT, base, runs++);
  in = g_build_filename (run, "in", NULL);
  store = g_build_filename (run, "store", NULL);
  input = g_build_filename (in, name, NULL);
  CHECK (g_mkdir_with_parents (in, 0755) == 0);
  CHECK (g_file_set_contents (input, (const char *) data + 1, size - 1, NULL));

  importer = pr_bundle_importer_new (store);
  /* small caps keep each run fast; the cap logic is the same */
  pr_bundle_importer_set_limits (importer, 8 << 20, 4 << 20, 500, 50, 1 << 20);
  file = g_file_new_for_path (input);
  bundles = pr_bundle_importer_import (importer, file, NULL, &error);
  if (bundles == NULL)
    {
      CHECK (error != NULL);
      if (error->domain != PR_ERROR)
        fprintf (stderr, "not a PR_ERROR: %s %d: %s\n", g_quark_to_string (error->domain), error->code, error->message);
      CHECK (error->domain == PR_ERROR);
    }

  /* R: in/ and (maybe) store/, nothing else; in/: the input as it was */
  listing = list_dir (run);
  if (strcmp (listing, "in\n") != 0 && strcmp (listing, "in\nstore\n") != 0)
    fprintf (stderr, "left beside the store:\n%s(import %s: %s)\n", listing, bundles != NULL ? "succeeded" : "failed",
             error != NULL ? error->message : "");
  CHECK (strcmp (listing, "in\n") == 0 || strcmp (listing, "in\nstore\n") == 0);
  in_listing = list_dir (in);
  expected_in = g_strdup_printf ("%s\n", name);
  CHECK (strcmp (in_listing, expected_in) == 0);
  CHECK (g_file_get_contents (input, &contents, &length, NULL));
  CHECK (length == size - 1 && memcmp (contents, data + 1, length) == 0);
  if (g_file_test (store, G_FILE_TEST_EXISTS))
    {
      char *store_real = realpath (store, NULL);

      CHECK (store_real != NULL);
      check_store (store, store_real);
      free (store_real);
    }
  g_clear_object (&importer);
  rm_rf (run);
  /* and nothing new beside the runs */
  g_free (listing);
  listing = list_dir (base);
  CHECK (strcmp (listing, base_listing) == 0);
  if (parent != NULL)
    {
      g_free (listing);
      listing = list_dir (parent);
      CHECK (strcmp (listing, parent_listing) == 0);
    }
  return 0;
}
