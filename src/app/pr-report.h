/* pr-report.h — the rescue report (CSV) an admin files after a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One line per PrPhone in @phones (RFC 4180, CRLF line ends, header first):
 * MAC, model, part number, IP, BootROM before/after, application before/after,
 * result, reason, started, finished (ISO 8601). */
char *pr_report_csv        (GListModel *phones);

/* Append @field to @out quoted as CSV needs; a leading = + - @ is defused so a
 * spreadsheet never runs it as a formula. NULL is an empty field. */
void  pr_report_csv_field  (GString    *out,
                            const char *field);

G_END_DECLS
