#!/bin/sh
# embed.sh NAME FILE: print a C file defining NAME[] (FILE's bytes plus a
# terminating NUL, so text can be used as a string) and NAME_len (without
# the NUL). Used by the Makefile so that the schema, the catalog and the
# bundled scenarios need no install path.
set -eu
name=$1
file=$2
echo "/* generated from $file by tools/embed.sh */"
echo "const unsigned char ${name}[] = {"
od -An -v -tx1 "$file" | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/ /'
echo " 0x00 };"
echo "const unsigned long ${name}_len = $(wc -c < "$file");"
