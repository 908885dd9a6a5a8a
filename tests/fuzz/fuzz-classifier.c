/* fuzz-classifier.c — libFuzzer harness for pr_classify() and friends
 *
 * Input: "METHOD\nPATH\nUSER-AGENT" (a missing part is NULL). The classifier
 * must never crash or read out of bounds, and its facts must be well formed:
 * a MAC is 12 lowercase hex digits and not all zero, a part number is one the
 * model table knows, basename points into the path. pr_version_compare() is
 * antisymmetric and reflexive.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pr-classifier.h"
#include "pr-models.h"

#define CHECK(cond) do { if (!(cond)) { fprintf (stderr, "check failed: %s\n", #cond); abort (); } } while (0)

static int
sign (int v)
{
  return (v > 0) - (v < 0);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = g_strndup ((const char *) data, size);   /* HTTP strings hold no NUL */
  char *parts[3] = { NULL, NULL, NULL };
  char *p = text;
  PrRequestInfo info;
  char token[24], version[32], mac[13];
  PrSender sender;
  size_t path_len;

  for (int i = 0; i < 3 && p != NULL; i++)
    {
      char *nl = i < 2 ? strchr (p, '\n') : NULL;

      parts[i] = p;
      if (nl != NULL)
        *nl = '\0';
      p = nl != NULL ? nl + 1 : NULL;
    }

  pr_classify (parts[0], parts[1], parts[2], &info);

  path_len = parts[1] != NULL ? strlen (parts[1]) : 0;
  if (parts[1] != NULL)
    CHECK (info.basename >= parts[1] && info.basename <= parts[1] + path_len);
  CHECK (strlen (info.mac) == 0 || strlen (info.mac) == 12);
  if (info.mac[0] != '\0')
    {
      CHECK (strcmp (info.mac, "000000000000") != 0);
      for (int i = 0; i < 12; i++)
        CHECK (g_ascii_isxdigit (info.mac[i]) && !g_ascii_isupper (info.mac[i]));
    }
  CHECK (info.part[0] == '\0' || pr_models_is_part_number (info.part));
  CHECK (memchr (info.ua_token, '\0', sizeof info.ua_token) != NULL);
  CHECK (memchr (info.version, '\0', sizeof info.version) != NULL);
  CHECK (info.sender >= PR_SENDER_UNKNOWN && info.sender <= PR_SENDER_BROWSER);
  if (info.model != NULL)
    CHECK (info.model->key != NULL && info.model->name != NULL);

  /* the User-Agent parser on its own agrees with what the classifier used */
  if (pr_parse_user_agent (parts[2], token, version, mac, &sender))
    {
      CHECK (strcmp (token, info.ua_token) == 0);
      CHECK (strcmp (version, info.version) == 0);
      CHECK (mac[0] == '\0' || pr_mac_is_valid (mac, 12));
    }

  /* versions: reflexive and antisymmetric */
  if (parts[0] != NULL && parts[1] != NULL)
    {
      CHECK (pr_version_compare (parts[0], parts[0]) == 0);
      CHECK (sign (pr_version_compare (parts[0], parts[1])) == -sign (pr_version_compare (parts[1], parts[0])));
    }
  pr_mac_is_valid (text, strlen (text));

  g_free (text);
  return 0;
}
