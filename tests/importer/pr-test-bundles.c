/* pr-test-bundles.c — synthetic firmware bundles for the importer tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pr-sha256.h"
#include "pr-store-txn.h"
#include "pr-test-bundles.h"

const char *const test_parts_32x[] = {
  "2345-11402-001", "2345-12200-001", "2345-12200-002", "2345-12200-004", "2345-12200-005",
  "2345-12360-001", "2345-12365-001", "2345-12375-001", "2345-12450-001", "2345-12500-001",
  "2345-12560-001", "2345-12600-001", "2345-12670-001", "2345-17960-001", "3111-15600-001",
  "3111-30900-001", "3111-40000-001", NULL
};

void
test_write_archive (const char      *path,
                    const char      *format,
                    const TestEntry *entries,
                    guint            n_entries,
                    guint32          seed,
                    const char      *passphrase)
{
  struct archive *a = archive_write_new ();
  GRand *rand = g_rand_new_with_seed (seed);
  gsize bufsize = 1 << 20;
  guint8 *buf = g_malloc (bufsize);

  if (g_str_has_prefix (format, "zip"))
    {
      g_assert_cmpint (archive_write_set_format_zip (a), ==, ARCHIVE_OK);
      if (g_str_equal (format, "zip-store"))
        archive_write_set_options (a, "zip:compression=store");
      if (passphrase)
        {
          g_assert_cmpint (archive_write_set_options (a, "zip:encryption=zipcrypt"), ==, ARCHIVE_OK);
          g_assert_cmpint (archive_write_set_passphrase (a, passphrase), ==, ARCHIVE_OK);
        }
    }
  else
    {
      g_assert_cmpint (archive_write_set_format_pax_restricted (a), ==, ARCHIVE_OK);
      if (g_str_equal (format, "tar.gz"))
        archive_write_add_filter_gzip (a);
      else if (g_str_equal (format, "tar.bz2"))
        archive_write_add_filter_bzip2 (a);
      else if (g_str_equal (format, "tar.xz"))
        archive_write_add_filter_xz (a);
      else
        g_assert_cmpstr (format, ==, "tar");
    }
  g_assert_cmpint (archive_write_open_filename (a, path), ==, ARCHIVE_OK);

  for (guint i = 0; i < n_entries; i++)
    {
      const TestEntry *e = &entries[i];
      struct archive_entry *entry = archive_entry_new ();
      gsize size = e->text ? strlen (e->text) : e->size;

      archive_entry_set_pathname (entry, e->path);
      archive_entry_set_mtime (entry, 1700000000, 0);
      switch (e->type)
        {
        case TEST_ENTRY_FILE:
          archive_entry_set_filetype (entry, AE_IFREG);
          archive_entry_set_perm (entry, 0644);
          archive_entry_set_size (entry, size);
          break;
        case TEST_ENTRY_DIR:
          archive_entry_set_filetype (entry, AE_IFDIR);
          archive_entry_set_perm (entry, 0755);
          size = 0;
          break;
        case TEST_ENTRY_SYMLINK:
          archive_entry_set_filetype (entry, AE_IFLNK);
          archive_entry_set_perm (entry, 0777);
          archive_entry_set_symlink (entry, e->link);
          size = 0;
          break;
        case TEST_ENTRY_HARDLINK:
          archive_entry_set_filetype (entry, AE_IFREG);
          archive_entry_set_perm (entry, 0644);
          archive_entry_set_hardlink (entry, e->link);
          archive_entry_set_size (entry, 0);
          size = 0;
          break;
        case TEST_ENTRY_CHARDEV:
          archive_entry_set_filetype (entry, AE_IFCHR);
          archive_entry_set_perm (entry, 0644);
          archive_entry_set_rdevmajor (entry, 1);
          archive_entry_set_rdevminor (entry, 3);
          size = 0;
          break;
        case TEST_ENTRY_FIFO:
          archive_entry_set_filetype (entry, AE_IFIFO);
          archive_entry_set_perm (entry, 0644);
          size = 0;
          break;
        }
      g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
      if (e->text)
        g_assert_cmpint (archive_write_data (a, e->text, size), ==, (la_ssize_t) size);
      else
        {
          gsize left = size;

          while (left > 0)
            {
              gsize n = MIN (left, bufsize);

              if (e->zeros)
                memset (buf, 0, n);
              else
                for (gsize j = 0; j + 4 <= n; j += 4)
                  {
                    guint32 r = g_rand_int (rand);
                    memcpy (buf + j, &r, 4);
                  }
              g_assert_cmpint (archive_write_data (a, buf, n), ==, (la_ssize_t) n);
              left -= n;
            }
        }
      archive_entry_free (entry);
    }
  g_assert_cmpint (archive_write_close (a), ==, ARCHIVE_OK);
  archive_write_free (a);
  g_rand_free (rand);
  g_free (buf);
}

char *
test_make_bootrom_zip (const char *dir,
                       const char *name,
                       const char *ver,
                       gsize       image_size,
                       guint32     seed)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (TestEntry));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  char *path = g_build_filename (dir, name, NULL);
  TestEntry e = { 0, };

  e.path = "bootrom.ld";
  e.size = image_size;
  g_array_append_val (entries, e);
  for (guint i = 0; test_parts_32x[i]; i++)
    {
      char *n = g_strdup_printf ("%s.bootrom.ld", test_parts_32x[i]);
      g_ptr_array_add (names, n);
      e.path = n;
      e.size = image_size / 4;
      g_array_append_val (entries, e);
    }
  if (ver)
    {
      TestEntry v = { "bootrom.ver", 0, ver, TEST_ENTRY_FILE, NULL, FALSE };
      g_array_append_val (entries, v);
    }
  test_write_archive (path, "zip", (TestEntry *) entries->data, entries->len, seed, NULL);
  return path;
}

char *
test_make_app_zip (const char *dir,
                   const char *name,
                   const char *ver,
                   gsize       image_size,
                   guint32     seed)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (TestEntry));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  char *path = g_build_filename (dir, name, NULL);
  static const TestEntry fixed[] = {
    { "sip.cfg", 0, "<sip/>\n", TEST_ENTRY_FILE, NULL, FALSE },
    { "phone1.cfg", 0, "<phone1/>\n", TEST_ENTRY_FILE, NULL, FALSE },
    { "SoundPointIPLocalization/", 0, NULL, TEST_ENTRY_DIR, NULL, FALSE },
    { "SoundPointIPLocalization/English_United_States/SoundPointIP-dictionary.xml", 0,
      "<dictionary/>\n", TEST_ENTRY_FILE, NULL, FALSE },
    { "SoundPointIPWelcome.wav", 2048, NULL, TEST_ENTRY_FILE, NULL, FALSE },
    { "Polycom320x160x1.jpg", 1024, NULL, TEST_ENTRY_FILE, NULL, FALSE },
  };
  TestEntry e = { 0, };

  for (guint i = 0; test_parts_32x[i]; i++)
    {
      char *n = g_strdup_printf ("%s.sip.ld", test_parts_32x[i]);
      g_ptr_array_add (names, n);
      e.path = n;
      e.size = image_size;
      g_array_append_val (entries, e);
    }
  g_array_append_vals (entries, fixed, G_N_ELEMENTS (fixed));
  if (ver)
    {
      TestEntry v = { "sip.ver", 0, ver, TEST_ENTRY_FILE, NULL, FALSE };
      g_array_append_val (entries, v);
    }
  test_write_archive (path, "zip", (TestEntry *) entries->data, entries->len, seed, NULL);
  return path;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static void
hash_tree_into (PrSha256   *sha,
                const char *root,
                const char *rel)
{
  g_autofree char *dir_path = rel[0] ? g_build_filename (root, rel, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *sub = rel[0] ? g_strconcat (rel, "/", names->pdata[i], NULL) : g_strdup (names->pdata[i]);
      g_autofree char *full = g_build_filename (root, sub, NULL);
      struct stat st;

      g_assert_cmpint (lstat (full, &st), ==, 0);
      pr_sha256_update (sha, sub, strlen (sub) + 1);
      if (S_ISDIR (st.st_mode))
        {
          pr_sha256_update (sha, "D", 1);
          hash_tree_into (sha, root, sub);
        }
      else if (S_ISREG (st.st_mode))
        {
          char hex[PR_SHA256_HEX_LEN + 1];
          g_autoptr(GError) error = NULL;

          g_assert_true (pr_sha256_file_at (AT_FDCWD, full, hex, NULL, &error));
          pr_sha256_update (sha, "F", 1);
          pr_sha256_update (sha, hex, PR_SHA256_HEX_LEN);
        }
      else if (S_ISLNK (st.st_mode))
        {
          g_autofree char *target = g_file_read_link (full, NULL);
          pr_sha256_update (sha, "L", 1);
          pr_sha256_update (sha, target, strlen (target));
        }
      else
        pr_sha256_update (sha, "O", 1);
    }
}

char *
test_hash_tree (const char *root)
{
  PrSha256 sha;
  char hex[PR_SHA256_HEX_LEN + 1];

  if (!g_file_test (root, G_FILE_TEST_EXISTS))
    return g_strdup ("(missing)");
  pr_sha256_init (&sha);
  hash_tree_into (&sha, root, "");
  pr_sha256_finish (&sha, hex);
  return g_strdup (hex);
}

guint
test_count_temp_dirs (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, PR_STORE_TEMP_PREFIX))
      n++;
  return n;
}

char *
test_read_file (const char *path,
                gsize      *len)
{
  char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

void
test_rm_rf (const char *path)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GError) error = NULL;
  int fd = open (parent, O_RDONLY | O_DIRECTORY);

  if (fd < 0)
    return;
  pr_store_remove_tree_at (fd, base, &error);
  g_assert_no_error (error);
  close (fd);
}
