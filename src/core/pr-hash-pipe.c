/* pr-hash-pipe.c — SHA-256 in a helper thread, beside the thread that extracts
 *
 * Hashing is the largest single cost of an import (more than inflating and
 * writing together, even with nettle's SHA-NI code). The extracting thread
 * copies each block into a small ring (a memcpy that stays in cache) and goes
 * on reading, inflating and writing while the helper hashes: on two cores an
 * import takes about as long as extracting alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "pr-hash-pipe.h"

#define SLOT_SIZE (128 * 1024)
#define N_SLOTS   8

typedef enum {
  SLOT_DATA,
  SLOT_FINISH,        /* hand out the digest, start again */
  SLOT_RESET,         /* start again */
} SlotKind;

typedef struct {
  guint8   data[SLOT_SIZE];
  gsize    len;
  SlotKind kind;
} Slot;

struct _PrHashPipe
{
  GThread  *thread;
  GMutex    lock;
  GCond     cond;
  Slot     *slots;
  guint     head;     /* next slot to fill */
  guint     tail;     /* next slot to hash */
  guint     count;    /* filled, not hashed yet */
  gboolean  quit;
  gboolean  digest_ready;
  char      digest[PR_SHA256_HEX_LEN + 1];
  PrSha256  sha;      /* the helper's only */
};

static gpointer
hash_thread (gpointer data)
{
  PrHashPipe *self = data;

  pr_sha256_init (&self->sha);
  g_mutex_lock (&self->lock);
  for (;;)
    {
      Slot *slot;

      while (self->count == 0 && !self->quit)
        g_cond_wait (&self->cond, &self->lock);
      if (self->count == 0 && self->quit)
        break;
      slot = &self->slots[self->tail];
      g_mutex_unlock (&self->lock);

      /* the slot is ours until count drops */
      if (slot->kind == SLOT_FINISH)
        pr_sha256_finish (&self->sha, self->digest);   /* resets the context */
      else if (slot->kind == SLOT_RESET)
        pr_sha256_init (&self->sha);
      else
        pr_sha256_update (&self->sha, slot->data, slot->len);

      g_mutex_lock (&self->lock);
      if (slot->kind == SLOT_FINISH)
        self->digest_ready = TRUE;
      self->tail = (self->tail + 1) % N_SLOTS;
      self->count--;
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

PrHashPipe *
pr_hash_pipe_new (void)
{
  PrHashPipe *self = g_new0 (PrHashPipe, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->slots = g_new (Slot, N_SLOTS);
  self->thread = g_thread_new ("pr-hash", hash_thread, self);
  return self;
}

/* Waits for a free slot; returns it locked out for the caller */
static Slot *
claim_slot (PrHashPipe *self)
{
  Slot *slot;

  g_mutex_lock (&self->lock);
  while (self->count == N_SLOTS)
    g_cond_wait (&self->cond, &self->lock);
  slot = &self->slots[self->head];
  g_mutex_unlock (&self->lock);
  return slot;
}

static void
publish_slot (PrHashPipe *self)
{
  g_mutex_lock (&self->lock);
  self->head = (self->head + 1) % N_SLOTS;
  self->count++;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

void
pr_hash_pipe_update (PrHashPipe *self,
                     const void *data,
                     gsize       len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      Slot *slot = claim_slot (self);

      slot->len = MIN (len, SLOT_SIZE);
      slot->kind = SLOT_DATA;
      memcpy (slot->data, p, slot->len);
      p += slot->len;
      len -= slot->len;
      publish_slot (self);
    }
}

void
pr_hash_pipe_finish (PrHashPipe *self,
                     char        hex[PR_SHA256_HEX_LEN + 1])
{
  Slot *slot = claim_slot (self);

  slot->len = 0;
  slot->kind = SLOT_FINISH;
  g_mutex_lock (&self->lock);
  self->digest_ready = FALSE;
  g_mutex_unlock (&self->lock);
  publish_slot (self);

  g_mutex_lock (&self->lock);
  while (!self->digest_ready)
    g_cond_wait (&self->cond, &self->lock);
  memcpy (hex, self->digest, PR_SHA256_HEX_LEN + 1);
  self->digest_ready = FALSE;
  g_mutex_unlock (&self->lock);
}

void
pr_hash_pipe_reset (PrHashPipe *self)
{
  Slot *slot = claim_slot (self);

  slot->len = 0;
  slot->kind = SLOT_RESET;
  publish_slot (self);
}

void
pr_hash_pipe_free (PrHashPipe *self)
{
  g_mutex_lock (&self->lock);
  self->quit = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->slots);
  g_free (self);
}
