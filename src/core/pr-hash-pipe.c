/* pr-hash-pipe.c — write files and SHA-256 them, shared with a helper thread
 *
 * Hashing is the largest single cost of an import (more than inflating and
 * writing together, even with nettle's SHA-NI code). The extracting thread
 * copies each block into a small ring (a memcpy that stays in cache) and goes
 * on reading and inflating while the helper hashes.
 *
 * The copy cannot be avoided: libarchive inflates every block into the same
 * buffer, so a block handed over by reference would have to be hashed before
 * the next one is read, and the two threads would meet (a futex wake-up each
 * way, on a VM an IPI) for every 64 KiB. With the copy the threads wake each
 * other only for half a ring at a time: the helper when half the ring is
 * full (or when the feeder waits for everything), the feeder when a full ring
 * has been half emptied. Digests are delivered without the feeder waiting.
 *
 * Writing the slots is shared: inflating (and libarchive's CRC-32) plus
 * writing cost the extracting thread more than hashing costs the helper, so a
 * full slot is written by the helper, after hashing it, while the helper
 * keeps up (fewer than half a ring waiting), and by the feeder otherwise. Each
 * slot knows its file and offset (pwrite), so the order does not matter; the
 * last slot of a file is always the helper's, which then closes it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "pr-hash-pipe.h"

#define SLOT_SIZE  (128 * 1024)
#define N_SLOTS    8
#define WAKE_SLOTS (N_SLOTS / 2)

typedef struct {
  int    fd;           /* < 0: hash only */
  int    write_failed; /* atomic: this file's writes stop, other files' go on */
  char  *name;
  char  *digest_out;
} PipeFile;

typedef enum {
  SLOT_DATA,
  SLOT_FINISH,         /* then: the digest, close the file */
  SLOT_ABORT,          /* no data: forget the hash, close the file */
} SlotKind;

typedef struct {
  guint8    data[SLOT_SIZE];
  gsize     len;
  goffset   offset;         /* of data in the file */
  PipeFile *file;
  SlotKind  kind;
  gboolean  helper_writes;  /* else the feeder writes it */
} Slot;

struct _PrHashPipe
{
  GThread  *thread;
  GMutex    lock;
  GCond     work_cond;      /* the helper waits for work */
  GCond     room_cond;      /* the feeder waits for room, or for all done */
  Slot     *slots;
  guint     tail;           /* next slot to hash */
  guint     count;          /* published, not done yet */
  gboolean  helper_idle;    /* the helper waits on work_cond */
  gboolean  feeder_waiting; /* the feeder waits on room_cond … */
  guint     feeder_want;    /* … until count is at most this */
  gboolean  flush;          /* hash what is published, however little */
  gboolean  quit;
  int       failed;         /* atomic; then: */
  int       error_errno;
  char     *error_name;

  /* the feeder's only */
  guint     head;           /* the slot being filled */
  gboolean  open;           /* head is claimed: being filled */
  PipeFile *file;           /* the file being fed */
  goffset   offset;         /* how much of it */

  /* the helper's only */
  PrSha256  sha;
};

static void
set_failed (PrHashPipe *self,
            int         saved_errno,
            const char *name)
{
  g_mutex_lock (&self->lock);
  if (!self->failed)
    {
      self->error_errno = saved_errno;
      self->error_name = g_strdup (name);
      g_atomic_int_set (&self->failed, TRUE);
    }
  g_mutex_unlock (&self->lock);
}

static void
write_slot (PrHashPipe *self,
            Slot       *slot)
{
  const guint8 *p = slot->data;
  gsize len = slot->len;
  goffset offset = slot->offset;

  if (slot->file->fd < 0 || g_atomic_int_get (&slot->file->write_failed))
    return;
  while (len > 0)
    {
      gssize n = pwrite (slot->file->fd, p, len, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_failed (self, errno, slot->file->name);
          g_atomic_int_set (&slot->file->write_failed, TRUE);
          return;
        }
      p += n;
      len -= n;
      offset += n;
    }
}

static void
end_file (PrHashPipe *self,
          PipeFile   *file,
          gboolean    report)
{
  if (file->fd >= 0 && close (file->fd) != 0 && report)
    set_failed (self, errno, file->name);
  g_free (file->name);
  g_free (file);
}

/* In the helper: the slot is ours until count drops */
static void
do_slot (PrHashPipe *self,
         Slot       *slot)
{
  switch (slot->kind)
    {
    case SLOT_DATA:
    case SLOT_FINISH:
      if (slot->len > 0)
        pr_sha256_update (&self->sha, slot->data, slot->len);
      if (slot->helper_writes)
        write_slot (self, slot);
      if (slot->kind == SLOT_FINISH)
        {
          pr_sha256_finish (&self->sha, slot->file->digest_out);   /* resets the context */
          end_file (self, slot->file, TRUE);
        }
      break;
    case SLOT_ABORT:
      pr_sha256_init (&self->sha);
      end_file (self, slot->file, FALSE);
      break;
    }
}

/* Once awake, the helper goes on until the ring is empty; asleep, it waits
 * for half a ring, or for the feeder to ask for everything */
static gboolean
has_work (PrHashPipe *self,
          gboolean    running)
{
  if (self->count == 0)
    return FALSE;
  return running || self->flush || self->count >= WAKE_SLOTS;
}

static gpointer
hash_thread (gpointer data)
{
  PrHashPipe *self = data;
  gboolean running = FALSE;

  pr_sha256_init (&self->sha);
  g_mutex_lock (&self->lock);
  for (;;)
    {
      Slot *slot;

      while (!self->quit && !has_work (self, running))
        {
          running = FALSE;
          self->helper_idle = TRUE;
          g_cond_wait (&self->work_cond, &self->lock);
        }
      self->helper_idle = FALSE;
      if (self->quit)
        break;
      running = TRUE;
      slot = &self->slots[self->tail];
      g_mutex_unlock (&self->lock);

      do_slot (self, slot);

      g_mutex_lock (&self->lock);
      self->tail = (self->tail + 1) % N_SLOTS;
      self->count--;
      if (self->feeder_waiting && self->count <= self->feeder_want)
        {
          self->feeder_waiting = FALSE;
          g_cond_signal (&self->room_cond);
        }
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

PrHashPipe *
pr_hash_pipe_new (void)
{
  PrHashPipe *self = g_new0 (PrHashPipe, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->work_cond);
  g_cond_init (&self->room_cond);
  self->slots = g_new (Slot, N_SLOTS);
  self->thread = g_thread_new ("pr-hash", hash_thread, self);
  return self;
}

/* Called locked: waits until at most @want slots are not done */
static void
wait_for_count (PrHashPipe *self,
                guint       want)
{
  while (self->count > want)
    {
      self->feeder_waiting = TRUE;
      self->feeder_want = want;
      g_cond_wait (&self->room_cond, &self->lock);
    }
  self->feeder_waiting = FALSE;
}

/* The slot being filled; when the ring is full, waits for half of it */
static Slot *
open_slot (PrHashPipe *self)
{
  Slot *slot = &self->slots[self->head];

  if (self->open)
    return slot;
  g_mutex_lock (&self->lock);
  if (self->count == N_SLOTS)
    wait_for_count (self, N_SLOTS - WAKE_SLOTS);
  g_mutex_unlock (&self->lock);
  slot->len = 0;
  slot->offset = self->offset;
  slot->file = self->file;
  slot->kind = SLOT_DATA;
  self->open = TRUE;
  return slot;
}

/* Hands the open slot over. Its data is written by the helper when it keeps
 * up or when the slot ends the file, else here (the helper may hash it at
 * the same time: both only read it; and this thread, the only one that
 * refills slots, does nothing else meanwhile). */
static void
publish_slot (PrHashPipe *self)
{
  Slot *slot = &self->slots[self->head];
  gboolean helper_writes;

  g_mutex_lock (&self->lock);
  helper_writes = slot->kind != SLOT_DATA || self->count < WAKE_SLOTS;
  slot->helper_writes = helper_writes;
  self->head = (self->head + 1) % N_SLOTS;
  self->count++;
  self->open = FALSE;
  if (self->helper_idle && (self->count >= WAKE_SLOTS || self->flush))
    {
      self->helper_idle = FALSE;
      g_cond_signal (&self->work_cond);
    }
  g_mutex_unlock (&self->lock);

  if (!helper_writes)
    write_slot (self, slot);
}

void
pr_hash_pipe_begin (PrHashPipe *self,
                    int         fd,
                    const char *name)
{
  g_return_if_fail (self->file == NULL);

  self->file = g_new0 (PipeFile, 1);
  self->file->fd = fd;
  self->file->name = g_strdup (name);
  self->offset = 0;
}

gboolean
pr_hash_pipe_update (PrHashPipe *self,
                     const void *data,
                     gsize       len)
{
  const guint8 *p = data;

  g_return_val_if_fail (self->file != NULL, FALSE);

  while (len > 0 && !g_atomic_int_get (&self->failed))
    {
      Slot *slot = open_slot (self);
      gsize n = MIN (len, SLOT_SIZE - slot->len);

      memcpy (slot->data + slot->len, p, n);
      slot->len += n;
      self->offset += n;
      p += n;
      len -= n;
      if (slot->len == SLOT_SIZE)
        publish_slot (self);
    }
  return !g_atomic_int_get (&self->failed);
}

void
pr_hash_pipe_finish_to (PrHashPipe *self,
                        char       *hex)
{
  Slot *slot;

  g_return_if_fail (self->file != NULL);

  slot = open_slot (self);
  slot->kind = SLOT_FINISH;
  self->file->digest_out = hex;
  self->file = NULL;
  publish_slot (self);
}

void
pr_hash_pipe_abort (PrHashPipe *self)
{
  Slot *slot;

  if (self->file == NULL)
    return;
  /* The open slot, if any, holds only this file's data: dropped */
  slot = open_slot (self);
  slot->len = 0;
  slot->kind = SLOT_ABORT;
  self->file = NULL;
  publish_slot (self);
}

gboolean
pr_hash_pipe_wait (PrHashPipe *self)
{
  if (self->open && self->slots[self->head].len > 0)
    publish_slot (self);

  g_mutex_lock (&self->lock);
  if (self->count > 0)
    {
      self->flush = TRUE;
      if (self->helper_idle)
        {
          self->helper_idle = FALSE;
          g_cond_signal (&self->work_cond);
        }
      wait_for_count (self, 0);
      self->flush = FALSE;
    }
  g_mutex_unlock (&self->lock);
  return !g_atomic_int_get (&self->failed);
}

gboolean
pr_hash_pipe_get_error (PrHashPipe  *self,
                        int         *errno_out,
                        const char **name_out)
{
  gboolean failed;

  g_mutex_lock (&self->lock);
  failed = self->failed;
  *errno_out = failed ? self->error_errno : 0;
  *name_out = failed ? self->error_name : NULL;
  g_mutex_unlock (&self->lock);
  return failed;
}

void
pr_hash_pipe_free (PrHashPipe *self)
{
  /* queued digests point into the caller's memory: let them land before the
   * caller can free that (at most a ring, under a millisecond) */
  pr_hash_pipe_abort (self);
  pr_hash_pipe_wait (self);
  g_mutex_lock (&self->lock);
  self->quit = TRUE;
  g_cond_signal (&self->work_cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->work_cond);
  g_cond_clear (&self->room_cond);
  g_free (self->error_name);
  g_free (self->slots);
  g_free (self);
}
