/* pr-sha256.c — SHA-256 of files and buffers (a thin nettle wrapper)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "pr-sha256.h"

void
pr_sha256_init (PrSha256 *self)
{
  sha256_init (&self->ctx);
}

void
pr_sha256_update (PrSha256   *self,
                  const void *data,
                  gsize       len)
{
  const guint8 *p = data;

  /* nettle takes size_t; feed in slices anyway to stay friendly to 32-bit */
  while (len > 0)
    {
      gsize n = MIN (len, (gsize) 1 << 30);

      sha256_update (&self->ctx, n, p);
      p += n;
      len -= n;
    }
}

void
pr_sha256_finish (PrSha256 *self,
                  char      hex[PR_SHA256_HEX_LEN + 1])
{
  static const char digits[] = "0123456789abcdef";
  guint8 digest[SHA256_DIGEST_SIZE];

  sha256_digest (&self->ctx, sizeof digest, digest);
  for (guint i = 0; i < SHA256_DIGEST_SIZE; i++)
    {
      hex[2 * i] = digits[digest[i] >> 4];
      hex[2 * i + 1] = digits[digest[i] & 0xf];
    }
  hex[PR_SHA256_HEX_LEN] = '\0';
}

gboolean
pr_sha256_file_at (int          dirfd,
                   const char  *path,
                   char         hex[PR_SHA256_HEX_LEN + 1],
                   goffset     *size_out,
                   GError     **error)
{
  gsize bufsize = 1 << 20;
  g_autofree guint8 *buf = NULL;
  PrSha256 sha;
  goffset total = 0;
  int fd;

  fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot open %s: %s", path, g_strerror (saved));
      return FALSE;
    }

  buf = g_malloc (bufsize);
  pr_sha256_init (&sha);
  for (;;)
    {
      gssize n = read (fd, buf, bufsize);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Cannot read %s: %s", path, g_strerror (saved));
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      pr_sha256_update (&sha, buf, n);
      total += n;
    }
  close (fd);
  pr_sha256_finish (&sha, hex);
  if (size_out)
    *size_out = total;
  return TRUE;
}

gboolean
pr_sha256_is_hex (const char *text)
{
  if (text == NULL || strlen (text) != PR_SHA256_HEX_LEN)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}
