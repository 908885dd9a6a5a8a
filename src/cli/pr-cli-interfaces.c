/* pr-cli-interfaces.c — `phone-rescue-cli interfaces`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <sys/socket.h>

#include "pr-cli.h"
#include "phone-rescue-core.h"

static char *
interface_json (PrInterface *iface)
{
  PrJsonObject *obj = pr_json_object_new_event ("interface");
  g_autoptr(GString) list = g_string_new ("[");

  for (guint j = 0; j < iface->addresses->len; j++)
    {
      PrInterfaceAddress *a = g_ptr_array_index (iface->addresses, j);

      if (j > 0)
        g_string_append_c (list, ',');
      g_string_append (list, "{\"address\":");
      pr_json_append_escaped (list, a->address);
      g_string_append_printf (list, ",\"prefix\":%u,\"family\":\"%s\"}", a->prefix, a->family == AF_INET6 ? "ipv6" : "ipv4");
    }
  g_string_append_c (list, ']');
  pr_json_object_add_string (obj, "name", iface->name);
  pr_json_object_add_bool (obj, "up", iface->is_up);
  pr_json_object_add_bool (obj, "loopback", iface->is_loopback);
  pr_json_object_add_raw (obj, "addresses", list->str);
  return pr_json_object_finish (obj);
}

static void
print_interface (PrInterface *iface)
{
  printf ("%-16s %-5s%s\n", iface->name, iface->is_up ? _("up") : _("down"),
          iface->is_loopback ? _(" (loopback)") : "");
  for (guint j = 0; j < iface->addresses->len; j++)
    {
      PrInterfaceAddress *a = g_ptr_array_index (iface->addresses, j);
      printf ("    %s/%u\n", a->address, a->prefix);
    }
}

int
pr_cli_interfaces (int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object per interface"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) interfaces = NULL;

  g_option_context_set_summary (context, _("List the network interfaces and their addresses, to choose one for “serve”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return PR_CLI_EXIT_USAGE;
    }
  interfaces = pr_interfaces_list (&error);
  if (interfaces == NULL)
    {
      pr_cli_report (json, "error", error->message);
      return PR_CLI_EXIT_FAILURE;
    }
  for (guint i = 0; i < interfaces->len; i++)
    {
      if (json)
        pr_cli_print_json (interface_json (g_ptr_array_index (interfaces, i)));
      else
        print_interface (g_ptr_array_index (interfaces, i));
    }
  return PR_CLI_EXIT_OK;
}
