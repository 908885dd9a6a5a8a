#!/bin/sh
# Stand-in for a test whose tool is not installed: report it as skipped.
echo "SKIP: ${1:-a required tool} is not installed"
exit 77
