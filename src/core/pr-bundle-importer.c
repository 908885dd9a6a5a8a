/* pr-bundle-importer.c — bring a vendor download into the firmware store, safely
 *
 * One pass per archive: each entry is checked, written below a temporary
 * directory beside the store and hashed (SHA-256) in the same loop, with our
 * own byte counts against the caps. Then the bundle is described (kind,
 * version, models), and pr_store_txn_commit() swaps the new store tree in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

#include "pr-bundle-importer.h"
#include "pr-error.h"
#include "pr-hash-pipe.h"
#include "pr-store-txn.h"

#define READ_BUFFER_SIZE (64 * 1024)
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 20)
#define PROGRESS_STEPS 32   /* and at every 1/32 of the input, however fast */

typedef struct {
  guint64 max_total;
  guint64 max_entry;
  guint   max_entries;
  guint   max_ratio;
  guint64 ratio_threshold;
} Limits;

struct _PrBundleImporter
{
  GObject          parent_instance;

  char            *store_root;
  PrFirmwareStore *store;
  PrCatalog       *catalog;
  Limits           limits;

  double           progress;
  guint64          bytes_done;
  guint64          bytes_total;
};

G_DEFINE_FINAL_TYPE (PrBundleImporter, pr_bundle_importer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE_ROOT,
  PROP_STORE,
  PROP_CATALOG,
  PROP_MAX_TOTAL_SIZE,
  PROP_MAX_ENTRY_SIZE,
  PROP_MAX_ENTRIES,
  PROP_MAX_RATIO,
  PROP_RATIO_THRESHOLD,
  PROP_PROGRESS,
  PROP_BYTES_DONE,
  PROP_BYTES_TOTAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ── one import job (runs in a worker thread or the caller's) ─────────── */

typedef struct {
  guint64 size;
  char    sha256[PR_SHA256_HEX_LEN + 1];
} FileInfo;

typedef struct _Job Job;
typedef void (*ProgressFunc) (Job *job, guint64 done, guint64 total);

struct _Job
{
  Limits            limits;
  char             *store_root;
  char             *path;          /* the file to import */
  char             *display_name;  /* its base name */
  PrCatalog        *catalog;
  GCancellable     *cancellable;

  /* progress */
  ProgressFunc      progress;
  PrBundleImporter *importer;      /* for progress; a strong ref */
  GMainContext     *context;       /* where progress is notified (async) */
  gint64            last_progress;
  guint64           last_done;     /* in_done when last reported */
  guint64           in_done;       /* compressed bytes read, all archives */
  guint64           in_total;

  /* caps */
  guint64           outer_read;    /* bytes read from the user's file */
  guint64           out_total;     /* bytes written, all entries */
  guint             n_entries;

  guint8           *buf;           /* read buffer for the archive callbacks */
  PrHashPipe       *hasher;        /* entries are hashed beside the extraction */
};

static void
job_free (Job *job)
{
  g_free (job->store_root);
  g_free (job->path);
  g_free (job->display_name);
  g_clear_object (&job->catalog);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->importer);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job->buf);
  g_clear_pointer (&job->hasher, pr_hash_pipe_free);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static void
job_report (Job     *job,
            gboolean force)
{
  gint64 now = g_get_monotonic_time ();

  if (job->progress == NULL)
    return;
  /* An import that takes less than the interval still reports on its way
   * (and can be cancelled from a progress handler) */
  if (!force && now - job->last_progress < PROGRESS_INTERVAL_US &&
      job->in_done - job->last_done < job->in_total / PROGRESS_STEPS)
    return;
  job->last_progress = now;
  job->last_done = job->in_done;
  job->progress (job, MIN (job->in_done, job->in_total), job->in_total);
}

/* Between blocks: FALSE once cancelled, else progress is reported */
static gboolean
job_go_on (Job     *job,
           GError **error)
{
  if (g_cancellable_is_cancelled (job->cancellable))
    {
      g_set_error (error, PR_ERROR, PR_ERROR_CANCELLED, _("The import was cancelled"));
      return FALSE;
    }
  job_report (job, FALSE);
  return TRUE;
}

/* ── entry names ──────────────────────────────────────────────────────── */

typedef enum {
  NAME_OK,
  NAME_SKIP,      /* directories of macOS metadata, hidden files: not served anyway */
  NAME_ESCAPE,    /* absolute or with ".." */
  NAME_BAD,       /* not UTF-8, control characters, too long */
} NameCheck;

static NameCheck
check_name (const char  *raw,
            char       **clean_out)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  g_auto(GStrv) parts = NULL;
  g_autofree char *copy = NULL;

  *clean_out = NULL;
  if (raw == NULL || raw[0] == '\0')
    return NAME_BAD;
  if (!g_utf8_validate (raw, -1, NULL))
    return NAME_BAD;
  /* absolute, also Windows style */
  if (raw[0] == '/' || raw[0] == '\\' ||
      (g_ascii_isalpha (raw[0]) && raw[1] == ':'))
    return NAME_ESCAPE;

  copy = g_strdup (raw);
  g_strdelimit (copy, "\\", '/');
  parts = g_strsplit (copy, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (strcmp (parts[i], "..") == 0)
      return NAME_ESCAPE;

  for (guint i = 0; parts[i]; i++)
    {
      const char *p = parts[i];

      if (p[0] == '\0' || strcmp (p, ".") == 0)
        continue;
      if (strlen (p) > 255)
        return NAME_BAD;
      for (const char *c = p; *c; c++)
        if ((guchar) *c < 0x20 || *c == 0x7f)
          return NAME_BAD;
      if (p[0] == '.' || (clean->len == 0 && strcmp (p, "__MACOSX") == 0) ||
          g_ascii_strcasecmp (p, "Thumbs.db") == 0 || g_ascii_strcasecmp (p, "desktop.ini") == 0)
        return NAME_SKIP;
      if (clean->len > 0)
        g_string_append_c (clean, '/');
      g_string_append (clean, p);
    }
  if (clean->len == 0)
    return NAME_SKIP;
  if (clean->len > 1024)
    return NAME_BAD;
  *clean_out = g_string_free (g_steal_pointer (&clean), FALSE);
  return NAME_OK;
}

static gboolean
is_archive_name (const char *name)
{
  static const char *const suffixes[] = {
    ".zip", ".tar", ".tgz", ".tar.gz", ".tbz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz",
  };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (name, suffixes[i]) ||
        (strlen (name) > strlen (suffixes[i]) &&
         g_ascii_strcasecmp (name + strlen (name) - strlen (suffixes[i]), suffixes[i]) == 0))
      return TRUE;
  return FALSE;
}

/* mkdir -p of the parents of @relative below @dirfd */
static gboolean
make_parents (int          dirfd,
              const char  *relative,
              const char  *shown,
              GError     **error)
{
  g_autofree char *copy = g_strdup (relative);

  for (char *slash = strchr (copy, '/'); slash; slash = strchr (slash + 1, '/'))
    {
      struct stat st;

      *slash = '\0';
      if (mkdirat (dirfd, copy, 0755) != 0)
        {
          if (errno != EEXIST ||
              fstatat (dirfd, copy, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR (st.st_mode))
            {
              g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE,
                           /* Translators: the first %s is the name of an entry in the archive,
                            * the second a folder in its path that the archive also holds as a file */
                           _("entry %s cannot be placed: %s is a file in this bundle"), shown, copy);
              return FALSE;
            }
        }
      *slash = '/';
    }
  return TRUE;
}

static void
set_write_error (GError     **error,
                 const char  *shown,
                 int          saved_errno)
{
  /* Translators: the first %s is a file name, the second the system’s error
   * message, the third is empty or “ (the disk is full)” */
  g_set_error (error, PR_ERROR, PR_ERROR_STORE, _("Cannot write %s: %s%s"), shown,
               g_strerror (saved_errno), saved_errno == ENOSPC ? _(" (the disk is full)") : "");
}

/* The caps, checked after every block written */
static gboolean
check_limits (Job         *job,
              guint64      entry_bytes,
              const char  *shown,
              GError     **error)
{
  const Limits *l = &job->limits;

  if (entry_bytes > l->max_entry)
    {
      g_autofree char *cap = g_format_size_full (l->max_entry, G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, PR_ERROR, PR_ERROR_LIMIT,
                   /* Translators: the first %s is the name of an entry in the archive,
                    * the second a size such as “512.0 MiB” */
                   _("entry %s is larger than the %s limit for one file"), shown, cap);
      return FALSE;
    }
  if (job->out_total > l->max_total)
    {
      g_autofree char *cap = g_format_size_full (l->max_total, G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, PR_ERROR, PR_ERROR_LIMIT,
                   /* Translators: the first %s is a size such as “2.0 GiB”, the second
                    * the name of the entry in the archive where the limit was reached */
                   _("the bundle expands past the %s limit (at entry %s)"), cap, shown);
      return FALSE;
    }
  if (job->out_total > l->ratio_threshold &&
      job->out_total / MAX (job->outer_read, 1) >= l->max_ratio)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_LIMIT,
                   _("entry %s expands past the %u:1 limit (a zip bomb?)"), shown, l->max_ratio);
      return FALSE;
    }
  return TRUE;
}

/* ── reading archives through our own callbacks (counting input bytes) ── */

typedef struct {
  Job      *job;
  int       fd;
  gboolean  outer;
} Input;

static la_ssize_t
input_read (struct archive *a,
            void           *data,
            const void    **buffer)
{
  Input *in = data;
  gssize n;

  do
    n = read (in->fd, in->job->buf, READ_BUFFER_SIZE);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      archive_set_error (a, errno, "%s", g_strerror (errno));
      return -1;
    }
  *buffer = in->job->buf;
  in->job->in_done += n;
  if (in->outer)
    in->job->outer_read += n;
  return n;
}

static la_int64_t
input_seek (struct archive *a,
            void           *data,
            la_int64_t      offset,
            int             whence)
{
  Input *in = data;
  off_t r = lseek (in->fd, offset, whence);

  if (r < 0)
    {
      archive_set_error (a, errno, "%s", g_strerror (errno));
      return ARCHIVE_FATAL;
    }
  return r;
}

static la_int64_t
input_skip (struct archive *a,
            void           *data,
            la_int64_t      request)
{
  Input *in = data;
  off_t cur = lseek (in->fd, 0, SEEK_CUR);
  off_t end = lseek (in->fd, 0, SEEK_END);
  off_t to;

  if (cur < 0 || end < 0)
    return 0;   /* not seekable: libarchive reads instead */
  to = MIN (cur + request, end);
  if (lseek (in->fd, to, SEEK_SET) < 0)
    return 0;
  /* skipped bytes count as consumed for progress, not for the ratio */
  in->job->in_done += to - cur;
  return to - cur;
}

static const char *
archive_word (struct archive *a)
{
  switch (archive_format (a) & ARCHIVE_FORMAT_BASE_MASK)
    {
    case ARCHIVE_FORMAT_ZIP:
      /* Translators: the kind of archive, the first %s in “the %s is damaged
       * at entry %s (%s)” and “the %s is damaged at its start (%s)” */
      return C_("archive", "zip");
    case ARCHIVE_FORMAT_TAR:
      /* Translators: the kind of archive, the first %s in “the %s is damaged
       * at entry %s (%s)” and “the %s is damaged at its start (%s)” */
      return C_("archive", "tar");
    case ARCHIVE_FORMAT_7ZIP:
      /* Translators: the kind of archive, the first %s in “the %s is damaged
       * at entry %s (%s)” and “the %s is damaged at its start (%s)” */
      return C_("archive", "7z archive");
    default:
      /* Translators: the kind of archive, the first %s in “the %s is damaged
       * at entry %s (%s)” and “the %s is damaged at its start (%s)” */
      return C_("archive", "archive");
    }
}

static void
set_damaged_error (GError         **error,
                   struct archive  *a,
                   const char      *shown)
{
  const char *why = archive_error_string (a);

  if (shown)
    g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE,
                 /* Translators: the first %s is the kind of archive (“zip”, “tar”, “7z archive”
                  * or “archive”), the second the name of an entry in it, the third the
                  * reason (libarchive’s message, often in English, or “unreadable”) */
                 _("the %s is damaged at entry %s (%s)"), archive_word (a), shown,
                 why ? why : _("unreadable"));
  else
    g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE,
                 /* Translators: the first %s is the kind of archive (“zip”, “tar”, “7z archive”
                  * or “archive”), the second the reason (libarchive’s message, often in
                  * English, or “unreadable”) */
                 _("the %s is damaged at its start (%s)"), archive_word (a), why ? why : _("unreadable"));
}

static PrHashPipe *
job_hasher (Job *job)
{
  if (job->hasher == NULL)
    job->hasher = pr_hash_pipe_new ();
  return job->hasher;
}

/* A write or close in the pipe failed (maybe of an earlier entry's file) */
static void
set_pipe_error (Job     *job,
                GError **error)
{
  int saved = 0;
  const char *name = NULL;

  if (pr_hash_pipe_get_error (job->hasher, &saved, &name))
    set_write_error (error, name, saved);
}

/* @len bytes of the entry (at @data) to the pipe, against the caps */
static gboolean
feed (Job         *job,
      const void  *data,
      gsize        len,
      guint64     *written,
      const char  *shown,
      GError     **error)
{
  if (!pr_hash_pipe_update (job->hasher, data, len))
    {
      set_pipe_error (job, error);
      return FALSE;
    }
  *written += len;
  job->out_total += len;
  return check_limits (job, *written, shown, error);
}

static gboolean
feed_entry_blocks (Job             *job,
                   struct archive  *a,
                   const char      *shown,
                   guint64         *written,
                   GError         **error)
{
  for (;;)
    {
      const void *block;
      size_t size;
      la_int64_t offset;
      int r = archive_read_data_block (a, &block, &size, &offset);

      if (r == ARCHIVE_EOF)
        return TRUE;
      if (r < ARCHIVE_WARN || offset < 0 || (guint64) offset < *written)
        {
          set_damaged_error (error, a, shown);
          return FALSE;
        }
      /* a hole in a sparse entry: zeros */
      while ((guint64) offset > *written)
        {
          static const guint8 zeros[65536];

          if (!feed (job, zeros, MIN ((guint64) offset - *written, sizeof zeros), written, shown, error))
            return FALSE;
        }
      if (size > 0 && !feed (job, block, size, written, shown, error))
        return FALSE;
      if (!job_go_on (job, error))
        return FALSE;
    }
}

/* Write one entry's data to @fd (which this takes, and which is closed by the
 * pipe), hashing it. Both happen partly in the helper thread: the data is on
 * disk, @info's digest written and @fd closed once pr_hash_pipe_wait()
 * returns, as extract_archive() makes sure. */
static gboolean
copy_entry_data (Job             *job,
                 struct archive  *a,
                 int              fd,
                 const char      *shown,
                 FileInfo        *info,
                 GError         **error)
{
  guint64 written = 0;

  pr_hash_pipe_begin (job_hasher (job), fd, shown);
  if (!feed_entry_blocks (job, a, shown, &written, error))
    {
      pr_hash_pipe_abort (job->hasher);
      return FALSE;
    }
  info->size = written;
  pr_hash_pipe_finish_to (job->hasher, info->sha256);
  return TRUE;
}

/* The staging folder starts empty, so a file that exists already is a name
 * seen before in this archive (or the same one in another case, on a file
 * system that ignores case). The later entry wins, as on disk, but the earlier
 * file's last blocks may still be on their way to it, and its FileInfo waiting
 * for its digest: let them land first. */
static int
create_entry_file (Job        *job,
                   int         dest_fd,
                   const char *clean)
{
  int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
  int fd = openat (dest_fd, clean, flags | O_EXCL, 0644);

  if (fd >= 0 || errno != EEXIST)
    return fd;
  if (job->hasher)
    pr_hash_pipe_wait (job->hasher);
  /* a folder of that name: EISDIR */
  return openat (dest_fd, clean, flags | O_TRUNC, 0644);
}

static struct archive *
new_reader (void)
{
  struct archive *a = archive_read_new ();

  /* Only what firmware comes in. Not "all": mtree, for one, would read the
   * files a text file names. Compression filters are built in, never
   * external programs. */
  archive_read_support_format_zip (a);
  archive_read_support_format_tar (a);
  archive_read_support_format_gnutar (a);
  archive_read_support_format_7zip (a);
  archive_read_support_filter_gzip (a);
  archive_read_support_filter_bzip2 (a);
  archive_read_support_filter_xz (a);
  archive_read_support_filter_lzma (a);
  archive_read_support_filter_zstd (a);
  return a;
}

/* Extract @archive_path below @dest_fd. @files gets path → FileInfo; with
 * @nested non-NULL, entries that are archives themselves are listed there. */
static gboolean
extract_archive (Job         *job,
                 const char  *archive_path,
                 const char  *archive_name,
                 gboolean     outer,
                 int          dest_fd,
                 GHashTable  *files,
                 GPtrArray   *nested,
                 GError     **error)
{
  struct archive *a;
  Input in = { job, -1, outer };
  g_autofree char *last_shown = NULL;
  gboolean ok = FALSE;
  guint n_here = 0;

  in.fd = open (archive_path, O_RDONLY | O_CLOEXEC);
  if (in.fd < 0)
    {
      int saved = errno;
      /* Translators: the first %s is a file name, the second the system’s error message */
      g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE, _("Cannot open %s: %s"),
                   archive_name, g_strerror (saved));
      return FALSE;
    }

  a = new_reader ();
  archive_read_set_callback_data (a, &in);
  archive_read_set_read_callback (a, input_read);
  archive_read_set_seek_callback (a, input_seek);
  archive_read_set_skip_callback (a, input_skip);
  if (archive_read_open1 (a) != ARCHIVE_OK)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE,
                   _("%s is not a firmware bundle: it is not a zip or tar archive, nor a .ld image"),
                   archive_name);
      goto out;
    }

  for (;;)
    {
      struct archive_entry *entry;
      const char *raw;
      g_autofree char *clean = NULL;
      g_autofree char *shown = NULL;
      NameCheck check;
      mode_t type;
      FileInfo *info;
      int fd;
      int r;

      if (g_cancellable_is_cancelled (job->cancellable))
        {
          g_set_error (error, PR_ERROR, PR_ERROR_CANCELLED, _("The import was cancelled"));
          goto out;
        }

      r = archive_read_next_header (a, &entry);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        {
          if (n_here == 0 && archive_format (a) == 0)
            g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE,
                         _("%s is not a firmware bundle: it is not a zip or tar archive, nor a .ld image"),
                         archive_name);
          else if (last_shown)
            {
              /* the previous entry ended where the next header should be */
              g_autofree char *why = g_strdup (archive_error_string (a));
              g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE,
                           /* Translators: the first %s is the kind of archive (“zip”, “tar”, “7z archive”
                            * or “archive”), the second the name of an entry in it, the third the
                            * reason (libarchive’s message, often in English, or “unreadable”) */
                           _("the %s is damaged at entry %s (%s)"), archive_word (a), last_shown,
                           why ? why : _("unreadable"));
            }
          else
            set_damaged_error (error, a, NULL);
          goto out;
        }

      n_here++;
      if (++job->n_entries > job->limits.max_entries)
        {
          g_set_error (error, PR_ERROR, PR_ERROR_LIMIT,
                       _("the archive has more than %u entries"), job->limits.max_entries);
          goto out;
        }

      raw = archive_entry_pathname_utf8 (entry);
      if (raw == NULL)
        raw = archive_entry_pathname (entry);
      shown = raw ? g_utf8_make_valid (raw, -1) : g_strdup (_("(no name)"));
      if (!outer)
        {
          /* Translators: an entry of an archive inside the bundle: the first %s is
           * the entry’s name, the second the file name of the inner archive */
          char *in_nested = g_strdup_printf (_("%s in %s"), shown, archive_name);
          g_free (shown);
          shown = in_nested;
        }
      g_free (last_shown);
      last_shown = g_strdup (shown);

      check = check_name (raw, &clean);
      if (check == NAME_ESCAPE)
        {
          g_set_error (error, PR_ERROR, PR_ERROR_UNSAFE_ENTRY,
                       _("entry %s would escape the store"), shown);
          goto out;
        }
      if (check == NAME_BAD)
        {
          g_set_error (error, PR_ERROR, PR_ERROR_UNSAFE_ENTRY,
                       _("entry %s has a name the store cannot hold"), shown);
          goto out;
        }

      type = archive_entry_filetype (entry);
      if (archive_entry_hardlink (entry) != NULL)
        {
          g_set_error (error, PR_ERROR, PR_ERROR_UNSAFE_ENTRY,
                       /* Translators: the first %s is the name of an entry in the archive,
                        * the second the entry it links to */
                       _("entry %s is a link (to %s); only plain files are accepted"),
                       shown, archive_entry_hardlink (entry));
          goto out;
        }
      if (type == AE_IFLNK)
        {
          const char *target = archive_entry_symlink (entry);
          g_set_error (error, PR_ERROR, PR_ERROR_UNSAFE_ENTRY,
                       /* Translators: the first %s is the name of an entry in the archive,
                        * the second the path it points to */
                       _("entry %s is a symbolic link (to %s); only plain files are accepted"),
                       shown, target ? target : "?");
          goto out;
        }
      if (type == AE_IFDIR)
        continue;
      if (type != AE_IFREG)
        {
          g_set_error (error, PR_ERROR, PR_ERROR_UNSAFE_ENTRY,
                       _("entry %s is a device or special file; only plain files are accepted"), shown);
          goto out;
        }
      if (archive_entry_is_encrypted (entry))
        {
          g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE,
                       _("entry %s is encrypted; import the vendor’s original download"), shown);
          goto out;
        }
      if (check == NAME_SKIP)
        continue;

      if (!make_parents (dest_fd, clean, shown, error))
        goto out;
      fd = create_entry_file (job, dest_fd, clean);
      if (fd < 0)
        {
          int saved = errno;

          if (saved == EISDIR)
            g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE,
                         _("entry %s cannot be placed: a folder of that name is in this bundle"), shown);
          else
            /* Translators: the first %s is a file name, the second the system’s error message */
            g_set_error (error, PR_ERROR, PR_ERROR_STORE, _("Cannot create %s: %s"), shown, g_strerror (saved));
          goto out;
        }
      info = g_new0 (FileInfo, 1);
      if (!copy_entry_data (job, a, fd, shown, info, error))
        {
          g_free (info);   /* no digest was queued for it */
          goto out;
        }
      if (nested && is_archive_name (clean))
        {
          job->in_total += info->size;
          g_ptr_array_add (nested, g_strdup (clean));
        }
      /* its digest is still on its way: @files keeps it alive until we wait */
      g_hash_table_insert (files, g_steal_pointer (&clean), info);
    }

  if (archive_read_has_encrypted_entries (a) > 0)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE,
                   _("%s has encrypted entries; import the vendor’s original download"), archive_name);
      goto out;
    }
  if (n_here == 0)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE, _("the archive is empty"));
      goto out;
    }
  ok = TRUE;

out:
  /* every file written and closed, every digest in @files, before anyone
   * reads or frees them (also on errors) */
  if (job->hasher && !pr_hash_pipe_wait (job->hasher) && ok)
    {
      set_pipe_error (job, error);
      ok = FALSE;
    }
  archive_read_free (a);
  close (in.fd);
  return ok;
}

/* Feed all of @in_fd to the pipe (a file begun there) */
static gboolean
feed_single (Job         *job,
             int          in_fd,
             guint64     *written,
             GError     **error)
{
  for (;;)
    {
      gssize n = read (in_fd, job->buf, READ_BUFFER_SIZE);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          /* Translators: the first %s is a file name, the second the system’s error message */
          g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE, _("Cannot read %s: %s"),
                       job->display_name, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        return TRUE;
      job->in_done += n;
      job->outer_read += n;
      if (!feed (job, job->buf, n, written, job->display_name, error))
        return FALSE;
      if (!job_go_on (job, error))
        return FALSE;
    }
}

/* A single image dropped alone: written and hashed through the pipe too */
static gboolean
copy_single (Job         *job,
             int          dest_fd,
             GHashTable  *files,
             GError     **error)
{
  int in_fd, out_fd;
  FileInfo *info;
  guint64 written = 0;
  gboolean ok;

  in_fd = open (job->path, O_RDONLY | O_CLOEXEC);
  if (in_fd < 0)
    {
      int saved = errno;
      /* Translators: the first %s is a file name, the second the system’s error message */
      g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE, _("Cannot open %s: %s"),
                   job->display_name, g_strerror (saved));
      return FALSE;
    }
  out_fd = openat (dest_fd, job->display_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (out_fd < 0)
    {
      int saved = errno;
      /* Translators: the first %s is a file name, the second the system’s error message */
      g_set_error (error, PR_ERROR, PR_ERROR_STORE, _("Cannot create %s: %s"),
                   job->display_name, g_strerror (saved));
      close (in_fd);
      return FALSE;
    }
  job->n_entries = 1;
  info = g_new0 (FileInfo, 1);
  /* @files keeps @info (its digest on its way) until the wait below */
  g_hash_table_insert (files, g_strdup (job->display_name), info);
  pr_hash_pipe_begin (job_hasher (job), out_fd, job->display_name);
  ok = feed_single (job, in_fd, &written, error);
  close (in_fd);
  if (ok)
    {
      info->size = written;
      pr_hash_pipe_finish_to (job->hasher, info->sha256);
    }
  else
    pr_hash_pipe_abort (job->hasher);
  if (!pr_hash_pipe_wait (job->hasher) && ok)
    {
      set_pipe_error (job, error);
      ok = FALSE;
    }
  return ok;
}

/* ── describing a bundle ──────────────────────────────────────────────── */

/* The one top folder every file sits in (vendor "combined" zips, tarballs of a
 * folder), unless it is a tree the phone asks for by name. */
static char *
common_top_folder (GHashTable *files)
{
  GHashTableIter iter;
  gpointer key;
  char *top = NULL;

  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const char *path = key;
      const char *slash = strchr (path, '/');

      if (slash == NULL)
        {
          g_free (top);
          return NULL;
        }
      if (top == NULL)
        top = g_strndup (path, slash - path);
      else if (strncmp (path, top, slash - path) != 0 || top[slash - path] != '\0')
        {
          g_free (top);
          return NULL;
        }
    }
  if (top && (g_ascii_strcasecmp (top, "SoundPointIPLocalization") == 0 ||
              g_ascii_strcasecmp (top, "VVXLocalization") == 0 ||
              g_ascii_strcasecmp (top, "Config") == 0))
    g_clear_pointer (&top, g_free);
  return top;
}

static char *
read_version_file (const char *dir,
                   const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len;
  struct stat st;

  if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > 4096)
    return NULL;
  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return pr_bundle_version_from_ver_file (contents, len);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static gboolean
name_says_updater (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  g_strdelimit (lower, "-. %", '_');
  return strstr (lower, "uc_updater") != NULL;
}

/* Turn the extracted tree @raw_dir (its files in @files) into a bundle
 * directory below @work_dir: <work>/<n>/files and <work>/<n>/manifest.ini */
static PrBundle *
describe_bundle (Job         *job,
                 const char  *work_dir,
                 guint        index,
                 const char  *raw_dir,
                 GHashTable  *files,
                 const char  *name,
                 GError     **error)
{
  g_autoptr(PrBundle) bundle = pr_bundle_new ();
  g_autoptr(GString) prefix = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) models = g_ptr_array_new ();
  g_autofree char *bundle_dir = g_strdup_printf ("%s/bundle-%u", work_dir, index);
  g_autofree char *files_dir = g_build_filename (bundle_dir, "files", NULL);
  g_autofree char *manifest = g_build_filename (bundle_dir, "manifest.ini", NULL);
  g_autofree char *src_dir = NULL;
  g_autofree char *app_version = NULL, *bootrom_version = NULL, *name_version = NULL;
  g_autoptr(GHashTable) model_set = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;
  guint n_app = 0, n_boot = 0, n_split_app = 0;
  PrBundleKind kind;
  const char *version, *source;

  /* strip top folders */
  for (guint depth = 0; depth < 4; depth++)
    {
      g_autofree char *top = common_top_folder (files);
      g_autoptr(GHashTable) stripped = NULL;

      if (top == NULL)
        break;
      stripped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, files);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_insert (stripped, g_strdup ((char *) key + strlen (top) + 1), value);
          g_free (key);
        }
      g_hash_table_remove_all (files);
      g_hash_table_iter_init (&iter, stripped);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_insert (files, key, value);
        }
      g_string_append_printf (prefix, "/%s", top);
    }

  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      PrBundleFileClass klass = pr_bundle_classify_path (key);
      g_autofree char *part = NULL;

      if (klass == PR_BUNDLE_FILE_APP_IMAGE)
        n_app++;
      else if (klass == PR_BUNDLE_FILE_BOOTROM_IMAGE)
        n_boot++;
      else
        continue;
      part = pr_bundle_part_from_image (key);
      if (part && klass == PR_BUNDLE_FILE_APP_IMAGE)
        n_split_app++;
      if (part && job->catalog)
        {
          const PrCatalogModel *m = pr_catalog_lookup_by_part (job->catalog, part);

          if (m && !g_hash_table_contains (model_set, m->key))
            {
              g_hash_table_add (model_set, m->key);
              g_ptr_array_add (models, m->key);
            }
        }
    }

  if (n_app + n_boot == 0)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE,
                   _("%s is not a firmware bundle: no .ld image inside"), name);
      return NULL;
    }

  if (g_mkdir (bundle_dir, 0755) != 0)
    {
      int saved = errno;
      /* Translators: the first %s is a file name, the second the system’s error message */
      g_set_error (error, PR_ERROR, PR_ERROR_STORE, _("Cannot create %s: %s"), bundle_dir, g_strerror (saved));
      return NULL;
    }
  src_dir = g_strconcat (raw_dir, prefix->str, NULL);
  if (g_rename (src_dir, files_dir) != 0)
    {
      int saved = errno;
      /* Translators: the first %s is a folder name, the second the system’s error message */
      g_set_error (error, PR_ERROR, PR_ERROR_STORE, _("Cannot move %s: %s"), src_dir, g_strerror (saved));
      return NULL;
    }

  app_version = g_hash_table_contains (files, "sip.ver") ? read_version_file (files_dir, "sip.ver") : NULL;
  bootrom_version = g_hash_table_contains (files, "bootrom.ver") ? read_version_file (files_dir, "bootrom.ver") : NULL;
  name_version = pr_bundle_version_from_name (name);

  if (name_says_updater (name))
    kind = PR_BUNDLE_KIND_UPDATER;
  else if (n_app && n_boot)
    kind = PR_BUNDLE_KIND_MIXED;
  else if (n_boot)
    kind = PR_BUNDLE_KIND_BOOTROM;
  else if (n_split_app == 0 || strstr (name, "combined") || strstr (name, "Combined"))
    kind = PR_BUNDLE_KIND_COMBINED;
  else
    kind = PR_BUNDLE_KIND_APPLICATION;

  if (pr_bundle_kind_get_slot (kind) == PR_BUNDLE_SLOT_APPLICATION)
    {
      version = app_version ? app_version : name_version;
      source = app_version ? "sip.ver" : "name";
    }
  else
    {
      version = bootrom_version ? bootrom_version : name_version;
      source = bootrom_version ? "bootrom.ver" : "name";
    }

  pr_bundle_set_name (bundle, name);
  pr_bundle_set_kind (bundle, kind);
  pr_bundle_set_versions (bundle, version, source, app_version, bootrom_version);
  g_ptr_array_sort (models, compare_strings);
  g_ptr_array_add (models, NULL);
  pr_bundle_set_models (bundle, (const char *const *) models->pdata);
  pr_bundle_set_imported (bundle, now);

  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      FileInfo *info = value;
      pr_bundle_add_file (bundle, key, info->size, info->sha256);
    }
  pr_bundle_compute_id (bundle);
  if (!pr_bundle_save (bundle, manifest, error))
    return NULL;
  pr_bundle_set_dir (bundle, bundle_dir);
  return g_steal_pointer (&bundle);
}

/* ── the import ───────────────────────────────────────────────────────── */

static gboolean
has_ld_suffix (const char *name)
{
  gsize len = strlen (name);
  return len > 3 && g_ascii_strcasecmp (name + len - 3, ".ld") == 0;
}

static GPtrArray *
job_run (Job     *job,
         GError **error)
{
  g_autoptr(PrStoreTxn) txn = NULL;
  g_autoptr(GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) nested = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *work = NULL;
  g_autofree char *raw = NULL;
  const char *served[PR_BUNDLE_N_SLOTS];
  PrBundle *served_bundle[PR_BUNDLE_N_SLOTS];
  GPtrArray *existing;
  struct stat st;
  int raw_fd;
  gboolean ok;

  if (stat (job->path, &st) != 0)
    {
      int saved = errno;
      /* Translators: the first %s is a file name, the second the system’s error message */
      g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE, _("Cannot open %s: %s"),
                   job->display_name, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE, _("%s is not a file"), job->display_name);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE, _("the archive is empty"));
      return NULL;
    }
  job->in_total = st.st_size;
  job_report (job, TRUE);

  txn = pr_store_txn_begin (job->store_root, job->cancellable, error);
  if (txn == NULL)
    return NULL;
  work = pr_store_txn_make_temp_dir (txn, "import", error);
  if (work == NULL)
    return NULL;
  raw = g_build_filename (work, "raw", NULL);
  if (g_mkdir (raw, 0755) != 0 || (raw_fd = open (raw, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    {
      int saved = errno;
      /* Translators: the first %s is a file name, the second the system’s error message */
      g_set_error (error, PR_ERROR, PR_ERROR_STORE, _("Cannot create %s: %s"), raw, g_strerror (saved));
      return NULL;
    }

  if (has_ld_suffix (job->display_name))
    ok = copy_single (job, raw_fd, files, error);
  else
    ok = extract_archive (job, job->path, job->display_name, TRUE, raw_fd, files, nested, error);
  close (raw_fd);
  if (!ok)
    return NULL;

  /* Archives inside the archive: each is a bundle of its own */
  for (guint i = 0; i < nested->len; i++)
    {
      const char *inner = g_ptr_array_index (nested, i);
      g_autofree char *inner_path = g_build_filename (raw, inner, NULL);
      g_autofree char *inner_name = g_path_get_basename (inner);
      g_autofree char *inner_raw = g_strdup_printf ("%s/nested-%u", work, i);
      g_autoptr(GHashTable) inner_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      PrBundle *bundle;
      int fd;

      if (g_mkdir (inner_raw, 0755) != 0 || (fd = open (inner_raw, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        {
          int saved = errno;
          /* Translators: the first %s is a file name, the second the system’s error message */
          g_set_error (error, PR_ERROR, PR_ERROR_STORE, _("Cannot create %s: %s"), inner_raw, g_strerror (saved));
          return NULL;
        }
      ok = extract_archive (job, inner_path, inner_name, FALSE, fd, inner_files, NULL, error);
      close (fd);
      if (!ok)
        return NULL;
      bundle = describe_bundle (job, work, i + 1, inner_raw, inner_files, inner_name, error);
      if (bundle == NULL)
        return NULL;
      g_ptr_array_add (found, bundle);
      /* not part of the outer bundle */
      g_unlink (inner_path);
      g_hash_table_remove (files, inner);
    }

  /* The outer archive's own files: a bundle if they hold an image, or if
   * there was nothing nested (so the error says what is wrong). */
  {
    g_autoptr(GError) local_error = NULL;
    PrBundle *bundle = describe_bundle (job, work, 0, raw, files, job->display_name, &local_error);

    if (bundle != NULL)
      g_ptr_array_insert (found, 0, bundle);
    else if (found->len == 0 || !g_error_matches (local_error, PR_ERROR, PR_ERROR_BAD_BUNDLE))
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return NULL;
      }
  }

  if (g_cancellable_is_cancelled (job->cancellable))
    {
      g_set_error (error, PR_ERROR, PR_ERROR_CANCELLED, _("The import was cancelled"));
      return NULL;
    }

  /* Which bundles are new; which become served */
  existing = pr_store_txn_get_bundles (txn);
  for (guint s = 0; s < PR_BUNDLE_N_SLOTS; s++)
    {
      served[s] = pr_store_txn_get_served (txn, s);
      served_bundle[s] = NULL;
      for (guint i = 0; i < existing->len; i++)
        if (g_strcmp0 (pr_bundle_get_id (g_ptr_array_index (existing, i)), served[s]) == 0)
          served_bundle[s] = g_ptr_array_index (existing, i);
    }

  for (guint i = 0; i < found->len; i++)
    {
      PrBundle *bundle = g_ptr_array_index (found, i);
      PrBundle *present = NULL;
      PrBundleSlot slot;
      PrBundle *current;

      for (guint j = 0; j < existing->len && !present; j++)
        if (g_strcmp0 (pr_bundle_get_id (g_ptr_array_index (existing, j)), pr_bundle_get_id (bundle)) == 0)
          present = g_ptr_array_index (existing, j);
      for (guint j = 0; j < added->len && !present; j++)
        if (g_strcmp0 (pr_bundle_get_id (g_ptr_array_index (added, j)), pr_bundle_get_id (bundle)) == 0)
          present = g_ptr_array_index (added, j);
      if (present)
        {
          /* the same files again: nothing changes */
          pr_bundle_set_already_present (present, TRUE);
          if (!g_ptr_array_find (result, present, NULL))
            g_ptr_array_add (result, g_object_ref (present));
          continue;
        }

      slot = pr_bundle_kind_get_slot (pr_bundle_get_kind (bundle));
      current = served_bundle[slot];
      if (current == NULL ||
          pr_bundle_get_version (bundle) == NULL || pr_bundle_get_version (current) == NULL ||
          pr_bundle_version_compare (pr_bundle_get_version (bundle), pr_bundle_get_version (current)) >= 0)
        {
          served[slot] = pr_bundle_get_id (bundle);
          served_bundle[slot] = bundle;
        }
      g_ptr_array_add (added, bundle);
      g_ptr_array_add (result, g_object_ref (bundle));
    }

  if (added->len > 0)
    {
      g_autoptr(GError) commit_error = NULL;

      if (!pr_store_txn_commit (txn, added, NULL, served, job->cancellable, &commit_error))
        {
          if (g_error_matches (commit_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_set_error (error, PR_ERROR, PR_ERROR_CANCELLED, _("The import was cancelled"));
          else
            g_propagate_error (error, g_steal_pointer (&commit_error));
          return NULL;
        }
      for (guint i = 0; i < added->len; i++)
        {
          PrBundle *bundle = g_ptr_array_index (added, i);
          g_autofree char *dir = g_build_filename (pr_store_txn_get_root (txn), ".phone-rescue",
                                                   "bundles", pr_bundle_get_id (bundle), NULL);
          pr_bundle_set_dir (bundle, dir);
        }
    }

  for (guint i = 0; i < result->len; i++)
    {
      PrBundle *bundle = g_ptr_array_index (result, i);
      PrBundleSlot slot = pr_bundle_kind_get_slot (pr_bundle_get_kind (bundle));

      pr_bundle_set_served (bundle, g_strcmp0 (served[slot], pr_bundle_get_id (bundle)) == 0);
    }

  job->in_done = job->in_total;
  job_report (job, TRUE);
  return g_steal_pointer (&result);
}

/* ── progress delivery ────────────────────────────────────────────────── */

static void
set_progress (PrBundleImporter *self,
              guint64           done,
              guint64           total)
{
  double progress = total ? (double) done / (double) total : 0.0;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->bytes_done != done)
    {
      self->bytes_done = done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_DONE]);
    }
  if (self->bytes_total != total)
    {
      self->bytes_total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
    }
  if (self->progress != progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

typedef struct {
  PrBundleImporter *importer;
  guint64           done;
  guint64           total;
} ProgressUpdate;

static gboolean
progress_idle (gpointer data)
{
  ProgressUpdate *u = data;

  set_progress (u->importer, u->done, u->total);
  return G_SOURCE_REMOVE;
}

static void
progress_update_free (gpointer data)
{
  ProgressUpdate *u = data;

  g_object_unref (u->importer);
  g_free (u);
}

/* Not g_main_context_invoke(): from a worker thread it runs the function right
 * there when it can acquire the context, and the default context often is free. */
static void
run_on_context (GMainContext   *context,
                GSourceFunc     function,
                gpointer        data,
                GDestroyNotify  notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, function, data, notify);
  g_source_set_static_name (source, "[phone-rescue] importer");
  g_source_attach (source, context);
  g_source_unref (source);
}

static void
progress_in_thread (Job     *job,
                    guint64  done,
                    guint64  total)
{
  ProgressUpdate *u = g_new0 (ProgressUpdate, 1);

  u->importer = g_object_ref (job->importer);
  u->done = done;
  u->total = total;
  run_on_context (job->context, progress_idle, u, progress_update_free);
}

static void
progress_direct (Job     *job,
                 guint64  done,
                 guint64  total)
{
  set_progress (job->importer, done, total);
}

/* ── GObject ──────────────────────────────────────────────────────────── */

static Job *
job_new (PrBundleImporter  *self,
         GFile             *file,
         GCancellable      *cancellable,
         GError           **error)
{
  g_autoptr(Job) job = g_new0 (Job, 1);

  job->path = g_file_get_path (file);
  if (job->path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_set_error (error, PR_ERROR, PR_ERROR_BAD_BUNDLE,
                   _("%s is not a local file; download it first"), uri);
      return NULL;
    }
  job->display_name = g_path_get_basename (job->path);
  job->store_root = g_strdup (self->store_root);
  job->limits = self->limits;
  job->catalog = self->catalog ? g_object_ref (self->catalog) : NULL;
  if (job->catalog == NULL && pr_catalog_get_default () != NULL)
    job->catalog = g_object_ref (pr_catalog_get_default ());
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  job->importer = g_object_ref (self);
  job->buf = g_malloc (READ_BUFFER_SIZE);
  return g_steal_pointer (&job);
}

static void
invalidate_store (PrBundleImporter *self)
{
  if (self->store)
    pr_firmware_store_invalidate (self->store);
}

static gboolean
invalidate_idle (gpointer data)
{
  invalidate_store (data);
  return G_SOURCE_REMOVE;
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  GPtrArray *result = job_run (job, &error);

  if (result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* before the task's own completion, on the same context */
  run_on_context (job->context, invalidate_idle, g_object_ref (source_object), g_object_unref);
  g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
}

void
pr_bundle_importer_import_async (PrBundleImporter   *self,
                                 GFile              *file,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Job *job;

  g_return_if_fail (PR_IS_BUNDLE_IMPORTER (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pr_bundle_importer_import_async);
  /* we return PR_ERROR_CANCELLED ourselves, after cleaning up */
  g_task_set_check_cancellable (task, FALSE);

  job = job_new (self, file, cancellable, &error);
  if (job == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->context = g_main_context_ref_thread_default ();
  job->progress = progress_in_thread;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, import_thread);
}

GPtrArray *
pr_bundle_importer_import_finish (PrBundleImporter  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
pr_bundle_importer_import (PrBundleImporter  *self,
                           GFile             *file,
                           GCancellable      *cancellable,
                           GError           **error)
{
  g_autoptr(Job) job = NULL;
  GPtrArray *result;

  g_return_val_if_fail (PR_IS_BUNDLE_IMPORTER (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  job = job_new (self, file, cancellable, error);
  if (job == NULL)
    return NULL;
  job->progress = progress_direct;
  result = job_run (job, error);
  if (result)
    invalidate_store (self);
  return result;
}

PrBundleImporter *
pr_bundle_importer_new (const char *store_root)
{
  return g_object_new (PR_TYPE_BUNDLE_IMPORTER, "store-root", store_root, NULL);
}

PrBundleImporter *
pr_bundle_importer_new_for_store (PrFirmwareStore *store)
{
  return g_object_new (PR_TYPE_BUNDLE_IMPORTER,
                       "store-root", pr_firmware_store_get_root (store),
                       "store", store,
                       NULL);
}

const char *
pr_bundle_importer_get_store_root (PrBundleImporter *self)
{
  g_return_val_if_fail (PR_IS_BUNDLE_IMPORTER (self), NULL);
  return self->store_root;
}

void
pr_bundle_importer_set_catalog (PrBundleImporter *self,
                                PrCatalog        *catalog)
{
  g_return_if_fail (PR_IS_BUNDLE_IMPORTER (self));
  if (g_set_object (&self->catalog, catalog))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
}

void
pr_bundle_importer_set_limits (PrBundleImporter *self,
                               guint64           max_total_size,
                               guint64           max_entry_size,
                               guint             max_entries,
                               guint             max_ratio,
                               guint64           ratio_threshold)
{
  g_return_if_fail (PR_IS_BUNDLE_IMPORTER (self));
  g_object_set (self,
                "max-total-size", max_total_size,
                "max-entry-size", max_entry_size,
                "max-entries", max_entries,
                "max-ratio", max_ratio,
                "ratio-threshold", ratio_threshold,
                NULL);
}

double
pr_bundle_importer_get_progress (PrBundleImporter *self)
{
  g_return_val_if_fail (PR_IS_BUNDLE_IMPORTER (self), 0.0);
  return self->progress;
}

static void
pr_bundle_importer_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PrBundleImporter *self = PR_BUNDLE_IMPORTER (object);

  switch (prop_id)
    {
    case PROP_STORE_ROOT: g_value_set_string (value, self->store_root); break;
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_CATALOG: g_value_set_object (value, self->catalog); break;
    case PROP_MAX_TOTAL_SIZE: g_value_set_uint64 (value, self->limits.max_total); break;
    case PROP_MAX_ENTRY_SIZE: g_value_set_uint64 (value, self->limits.max_entry); break;
    case PROP_MAX_ENTRIES: g_value_set_uint (value, self->limits.max_entries); break;
    case PROP_MAX_RATIO: g_value_set_uint (value, self->limits.max_ratio); break;
    case PROP_RATIO_THRESHOLD: g_value_set_uint64 (value, self->limits.ratio_threshold); break;
    case PROP_PROGRESS: g_value_set_double (value, self->progress); break;
    case PROP_BYTES_DONE: g_value_set_uint64 (value, self->bytes_done); break;
    case PROP_BYTES_TOTAL: g_value_set_uint64 (value, self->bytes_total); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pr_bundle_importer_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  PrBundleImporter *self = PR_BUNDLE_IMPORTER (object);

  switch (prop_id)
    {
    case PROP_STORE_ROOT:
      if (g_value_get_string (value))
        {
          g_free (self->store_root);
          self->store_root = g_value_dup_string (value);
        }
      break;
    case PROP_STORE:
      g_set_object (&self->store, g_value_get_object (value));
      if (self->store && self->store_root == NULL)
        self->store_root = g_strdup (pr_firmware_store_get_root (self->store));
      break;
    case PROP_CATALOG: g_set_object (&self->catalog, g_value_get_object (value)); break;
    case PROP_MAX_TOTAL_SIZE: self->limits.max_total = g_value_get_uint64 (value); break;
    case PROP_MAX_ENTRY_SIZE: self->limits.max_entry = g_value_get_uint64 (value); break;
    case PROP_MAX_ENTRIES: self->limits.max_entries = g_value_get_uint (value); break;
    case PROP_MAX_RATIO: self->limits.max_ratio = g_value_get_uint (value); break;
    case PROP_RATIO_THRESHOLD: self->limits.ratio_threshold = g_value_get_uint64 (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pr_bundle_importer_constructed (GObject *object)
{
  PrBundleImporter *self = PR_BUNDLE_IMPORTER (object);

  G_OBJECT_CLASS (pr_bundle_importer_parent_class)->constructed (object);
  if (self->store_root == NULL)
    self->store_root = pr_firmware_store_default_root ();
}

static void
pr_bundle_importer_finalize (GObject *object)
{
  PrBundleImporter *self = PR_BUNDLE_IMPORTER (object);

  g_free (self->store_root);
  g_clear_object (&self->store);
  g_clear_object (&self->catalog);
  G_OBJECT_CLASS (pr_bundle_importer_parent_class)->finalize (object);
}

static void
pr_bundle_importer_class_init (PrBundleImporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = pr_bundle_importer_get_property;
  object_class->set_property = pr_bundle_importer_set_property;
  object_class->constructed = pr_bundle_importer_constructed;
  object_class->finalize = pr_bundle_importer_finalize;

  properties[PROP_STORE_ROOT] =
    g_param_spec_string ("store-root", NULL, "The firmware store folder", NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, "The store object to invalidate after an import",
                         PR_TYPE_FIRMWARE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, "The model catalog", PR_TYPE_CATALOG, rw);
  properties[PROP_MAX_TOTAL_SIZE] =
    g_param_spec_uint64 ("max-total-size", NULL, "Most bytes one import may write",
                         1, G_MAXUINT64, PR_IMPORT_DEFAULT_MAX_TOTAL, rw | G_PARAM_CONSTRUCT);
  properties[PROP_MAX_ENTRY_SIZE] =
    g_param_spec_uint64 ("max-entry-size", NULL, "Most bytes of one file",
                         1, G_MAXUINT64, PR_IMPORT_DEFAULT_MAX_ENTRY, rw | G_PARAM_CONSTRUCT);
  properties[PROP_MAX_ENTRIES] =
    g_param_spec_uint ("max-entries", NULL, "Most entries in an archive",
                       1, G_MAXUINT, PR_IMPORT_DEFAULT_MAX_ENTRIES, rw | G_PARAM_CONSTRUCT);
  properties[PROP_MAX_RATIO] =
    g_param_spec_uint ("max-ratio", NULL, "Most bytes out per byte in",
                       1, G_MAXUINT, PR_IMPORT_DEFAULT_MAX_RATIO, rw | G_PARAM_CONSTRUCT);
  properties[PROP_RATIO_THRESHOLD] =
    g_param_spec_uint64 ("ratio-threshold", NULL, "Bytes out before the ratio cap applies",
                         0, G_MAXUINT64, PR_IMPORT_DEFAULT_RATIO_THRESHOLD, rw | G_PARAM_CONSTRUCT);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, "Fraction of the input read", 0.0, 1.0, 0.0, ro);
  properties[PROP_BYTES_DONE] =
    g_param_spec_uint64 ("bytes-done", NULL, "Input bytes read", 0, G_MAXUINT64, 0, ro);
  properties[PROP_BYTES_TOTAL] =
    g_param_spec_uint64 ("bytes-total", NULL, "Input bytes to read", 0, G_MAXUINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pr_bundle_importer_init (PrBundleImporter *self)
{
}
