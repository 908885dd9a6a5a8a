/* pr-report.c — the rescue report (CSV)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "pr-phone.h"
#include "pr-format.h"
#include "pr-report.h"

/* Column names stay English: the file is read by spreadsheets and scripts. */
static const char *const columns[] = {
  "MAC", "Model", "Part number", "IP address", "BootROM before", "BootROM after",
  "Application before", "Application after", "Result", "Reason", "Started", "Finished",
};

void
pr_report_csv_field (GString    *out,
                     const char *field)
{
  gboolean quote;

  if (field == NULL || *field == '\0')
    return;

  quote = strpbrk (field, ",\"\r\n") != NULL || strchr ("=+-@\t", field[0]) != NULL;
  if (!quote)
    {
      g_string_append (out, field);
      return;
    }

  g_string_append_c (out, '"');
  if (strchr ("=+-@\t", field[0]) != NULL)
    g_string_append_c (out, '\'');
  for (const char *p = field; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static const char *
result_text (PrPhone *phone)
{
  switch (pr_phone_get_stage (phone))
    {
    case PR_STAGE_DONE:   return "done";
    case PR_STAGE_FAILED: return "failed";
    case PR_STAGE_WAITING: return "waiting";
    case PR_STAGE_BOOTLOADER:
    case PR_STAGE_APPLICATION:
    default:              return "in progress";
    }
}

static void
append_row (GString            *out,
            const char *const  *fields,
            guint               n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      pr_report_csv_field (out, fields[i]);
    }
  g_string_append (out, "\r\n");
}

static void
append_phone (GString *out,
              PrPhone *phone)
{
  g_autofree char *started = pr_format_iso_time (pr_phone_get_first_seen (phone));
  g_autofree char *finished = pr_format_iso_time (pr_phone_get_finished_time (phone));
  const char *fields[G_N_ELEMENTS (columns)] = {
    pr_phone_get_mac (phone),
    pr_phone_get_model_name (phone),
    pr_phone_get_part (phone),
    pr_phone_get_ip (phone),
    pr_phone_get_initial_bootrom_version (phone),
    pr_phone_get_bootrom_version (phone),
    pr_phone_get_initial_app_version (phone),
    pr_phone_get_app_version (phone),
    result_text (phone),
    pr_phone_get_stage (phone) == PR_STAGE_FAILED ? pr_phone_get_reason (phone) : NULL,
    started,
    finished,
  };

  append_row (out, fields, G_N_ELEMENTS (fields));
}

char *
pr_report_csv (GListModel *phones)
{
  GString *out = g_string_new (NULL);
  guint n = g_list_model_get_n_items (phones);

  append_row (out, columns, G_N_ELEMENTS (columns));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PrPhone) phone = g_list_model_get_item (phones, i);
      append_phone (out, phone);
    }

  return g_string_free (out, FALSE);
}
