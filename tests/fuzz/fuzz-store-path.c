/* fuzz-store-path.c — libFuzzer harness for the request path resolver and the
 * store lookup behind it
 *
 * Input: a raw request path. pr_store_path_from_request() either refuses it
 * (a PR_ERROR) or returns a relative name that pr_store_path_is_safe()
 * accepts, with no "." or ".." segment, no leading "/", no backslash. Then
 * pr_firmware_store_lookup() on a temporary store ringed with canaries and
 * symlinks pointing out of it, with that name and with the raw input itself:
 * whatever it returns is a file inside the store (its real path is below the
 * store's real path), never bookkeeping, never a canary.
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
#include <unistd.h>

#include "pr-error.h"
#include "pr-firmware-store.h"
#include "pr-store-path.h"

#define CANARY "PR-FUZZ-CANARY-OUTSIDE"
#define CHECK(cond) do { if (!(cond)) { fprintf (stderr, "check failed: %s\n", #cond); abort (); } } while (0)

static PrFirmwareStore *store;
static char *root_real;

static void
put (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_mkdir_with_parents (parent, 0755);
  if (!g_file_set_contents (path, text, -1, NULL))
    abort ();
}

static void
link_to (const char *target, const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (symlink (target, path) != 0)
    abort ();
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autofree char *base = g_dir_make_tmp ("fuzz-store-path-XXXXXX", NULL);
  g_autofree char *root = NULL, *outside = NULL, *canary = NULL;

  if (base == NULL)
    abort ();
  root = g_build_filename (base, "store", NULL);
  outside = g_build_filename (base, "outside", NULL);
  put (base, "canary.txt", CANARY);
  put (outside, "canary.txt", CANARY);
  put (root, "sip.ld", "image");
  put (root, "2345-12360-001.sip.ld", "split image");
  put (root, "bootrom.ld", "bootrom");
  put (root, "sip.cfg", "<sip/>");
  put (root, "0004f2aabbcc-phone.cfg", "<phone/>");
  put (root, "sub/dir/x.cfg", "<x/>");
  put (root, "SoundPointIPLocalization/English_United_States/x.xml", "<x/>");
  put (root, ".phone-rescue/manifest", CANARY);
  canary = g_build_filename (base, "canary.txt", NULL);
  link_to ("../canary.txt", root, "evil.ld");
  link_to (canary, root, "abs.ld");
  link_to ("../outside", root, "outdir");
  link_to ("/", root, "root");
  link_to ("/etc/passwd", root, "0004f2aabbcc.cfg");
  link_to ("../../canary.txt", root, "sub/evil.cfg");
  link_to ("sip.ld", root, "inside.ld");   /* a symlink that stays inside is fine */

  store = pr_firmware_store_new (root, NULL);
  root_real = realpath (root, NULL);
  if (store == NULL || root_real == NULL)
    abort ();
  return 0;
}

static void
check_file (PrStoreFile *file)
{
  g_autofree char *path = NULL;
  char *real;
  size_t len = strlen (root_real);

  CHECK (memmem (g_bytes_get_data (file->contents, NULL), g_bytes_get_size (file->contents),
                 CANARY, strlen (CANARY)) == NULL);
  CHECK (memmem (g_bytes_get_data (file->contents, NULL), g_bytes_get_size (file->contents),
                 "root:", 5) == NULL);
  if (file->generated)
    return;
  CHECK (!g_str_has_prefix (file->name, PR_STORE_PRIVATE_DIR));
  path = g_build_filename (root_real, file->name, NULL);
  real = realpath (path, NULL);
  CHECK (real != NULL);
  CHECK (strncmp (real, root_real, len) == 0 && real[len] == '/');
  free (real);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *raw = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autoptr(GError) raw_error = NULL;
  g_autofree char *relative = pr_store_path_from_request (raw, &error);
  g_autoptr(PrStoreFile) file = NULL;
  g_autoptr(PrStoreFile) raw_file = NULL;

  if (relative == NULL)
    CHECK (error != NULL && error->domain == PR_ERROR);
  else
    {
      g_auto(GStrv) segments = g_strsplit (relative, "/", -1);

      CHECK (error == NULL);
      CHECK (pr_store_path_is_safe (relative));
      CHECK (relative[0] != '/' && strchr (relative, '\\') == NULL);
      for (guint i = 0; segments[i] != NULL; i++)
        CHECK (strcmp (segments[i], "..") != 0 && strcmp (segments[i], ".") != 0 && segments[i][0] != '\0');

      file = pr_firmware_store_lookup (store, relative, &lookup_error);
      if (file != NULL)
        check_file (file);
      else
        CHECK (lookup_error != NULL && lookup_error->domain == PR_ERROR);
    }

  /* the store defends itself too, whatever it is handed */
  raw_file = pr_firmware_store_lookup (store, raw, &raw_error);
  if (raw_file != NULL)
    check_file (raw_file);
  else
    CHECK (raw_error != NULL && raw_error->domain == PR_ERROR);
  return 0;
}
