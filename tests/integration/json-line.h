/* json-line.h — a tiny reader for the CLI's one-object-per-line JSON events
 *
 * Reads one flat JSON object into a table of member name → text: strings
 * unescaped, numbers and true/false as written, null as a NULL value, nested
 * objects and arrays as their raw text. Enough for `phone-rescue-cli --json`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GHashTable *json_line_parse       (const char  *line,
                                   GError     **error);

/* Convenience lookups on a parsed line */
const char *json_line_get         (GHashTable  *object,
                                   const char  *name);
gboolean    json_line_has         (GHashTable  *object,
                                   const char  *name);
gboolean    json_line_is          (GHashTable  *object,
                                   const char  *name,
                                   const char  *value);

G_END_DECLS
