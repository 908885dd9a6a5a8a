/* pr-sim-master-config.c — what a phone reads from a Polycom master config
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-sim-master-config.h"

#define DEFAULT_APP_FILE_PATH "sip.ld"

typedef struct {
  const char *model_key;
  char       *app_file_path;
  char       *config_files;
  char       *model_app_file_path;
  char       *model_config_files;
} ParseState;

static void
take_attribute (char       **slot,
                const char  *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

static void
start_element (GMarkupParseContext  *context,
               const char           *element_name,
               const char          **attribute_names,
               const char          **attribute_values,
               gpointer              user_data,
               GError              **error)
{
  ParseState *state = user_data;
  g_autofree char *model_app = g_strconcat ("APP_FILE_PATH_", state->model_key, NULL);
  g_autofree char *model_files = g_strconcat ("CONFIG_FILES_", state->model_key, NULL);

  /* Attributes are accepted on any element: configs in the wild nest them
   * differently, and the attribute names are unambiguous. */
  for (guint i = 0; attribute_names[i] != NULL; i++)
    {
      const char *name = attribute_names[i];
      const char *value = attribute_values[i];

      if (g_str_equal (name, "APP_FILE_PATH"))
        take_attribute (&state->app_file_path, value);
      else if (g_str_equal (name, "CONFIG_FILES"))
        take_attribute (&state->config_files, value);
      else if (g_ascii_strcasecmp (name, model_app) == 0)
        take_attribute (&state->model_app_file_path, value);
      else if (g_ascii_strcasecmp (name, model_files) == 0)
        take_attribute (&state->model_config_files, value);
    }
}

static char *
replace_all (const char *text,
             const char *macro,
             const char *value)
{
  g_auto(GStrv) pieces = g_strsplit (text, macro, -1);

  return g_strjoinv (value != NULL ? value : "", pieces);
}

static char *
expand_macros (const char *text,
               const char *model_key,
               const char *mac,
               const char *part)
{
  g_autofree char *with_mac = replace_all (text, "[PHONE_MAC_ADDRESS]", mac);
  g_autofree char *with_part = replace_all (with_mac, "[PHONE_PART_NUMBER]", part);

  return replace_all (with_part, "[PHONE_MODEL]", model_key);
}

static GStrv
split_file_list (const char *list,
                 const char *model_key,
                 const char *mac,
                 const char *part)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) items = g_strsplit (list != NULL ? list : "", ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);

      if (*item != '\0')
        {
          g_autofree char *expanded = expand_macros (item, model_key, mac, part);

          g_strv_builder_add (builder, expanded);
        }
    }

  return g_strv_builder_end (builder);
}

static void
parse_state_clear (ParseState *state)
{
  g_free (state->app_file_path);
  g_free (state->config_files);
  g_free (state->model_app_file_path);
  g_free (state->model_config_files);
}

PrSimMasterConfig *
pr_sim_master_config_parse (const char  *text,
                            gssize       length,
                            const char  *model_key,
                            const char  *mac,
                            const char  *part,
                            GError     **error)
{
  static const GMarkupParser parser = { start_element, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  PrSimMasterConfig *config;
  ParseState state = { model_key, NULL, NULL, NULL, NULL };
  const char *app_file_path;
  const char *config_files;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (model_key != NULL, NULL);

  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &state, NULL);
  if (!g_markup_parse_context_parse (context, text, length, error) ||
      !g_markup_parse_context_end_parse (context, error))
    {
      parse_state_clear (&state);
      return NULL;
    }

  app_file_path = state.model_app_file_path != NULL ? state.model_app_file_path : state.app_file_path;
  config_files = state.model_config_files != NULL ? state.model_config_files : state.config_files;

  config = g_new0 (PrSimMasterConfig, 1);
  if (app_file_path != NULL && *app_file_path != '\0')
    config->app_file_path = expand_macros (app_file_path, model_key, mac, part);
  config->config_files = split_file_list (config_files, model_key, mac, part);

  parse_state_clear (&state);
  return config;
}

/* What a phone uses when the server has no master config at all */
PrSimMasterConfig *
pr_sim_master_config_new_default (void)
{
  PrSimMasterConfig *config = g_new0 (PrSimMasterConfig, 1);

  config->app_file_path = g_strdup (DEFAULT_APP_FILE_PATH);
  config->config_files = g_new0 (char *, 1);
  return config;
}

void
pr_sim_master_config_free (PrSimMasterConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->app_file_path);
  g_strfreev (config->config_files);
  g_free (config);
}
