#!/usr/bin/env bash
# Records the extra traces of this directory (see README.md): real programs, standard strace.
# Usage: ./record.sh [OUTDIR]   (needs strace, python3, perl, node, sqlite3, gcc)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
st() { strace -f -e trace=mmap,munmap,mremap,brk,mprotect,madvise,clone,clone3,fork,vfork,execve -o "$@" >/dev/null 2>&1; }
py="$(command -v pyenv >/dev/null && pyenv which python3 || command -v python3)"

st "$work/python-mixed.strace" "$py" -c '
import random
a = []
for r in range(3):
    s = b""
    for i in range(2000): s += bytes(1000)
    l = [random.random() for i in range(300000)]
    d = {i: str(i) for i in range(100000)}
    a.append(s)
    del l, d
'
st "$work/python-bytearray.strace" "$py" -c '
ys = []
for r in range(4):
    x = bytearray()
    for i in range(20000): x += b"a" * 517
    ys.append(bytes(x[:1000000]))
    l = [str(i) * 3 for i in range(200000)]
    del l
'
st "$work/perl-strings.strace" perl -e 'my @a; for my $r (1..3) { my $s = ""; $s .= "x" x 100 for 1..200000; push @a, $s; my %h = map { $_ => "v$_" } 1..200000; }'
st "$work/node-strings.strace" node -e 'let a = []; for (let r = 0; r < 3; r++) { let s = ""; for (let i = 0; i < 200000; i++) s += String(i); a.push(s); let b = new Array(500000).fill(0).map((x, i) => ({i})); }'
st "$work/sqlite-memory.strace" sqlite3 :memory: "create table t(a,b); with recursive c(x) as (select 1 union all select x+1 from c where x<200000) insert into t select x, randomblob(200) from c; create index i on t(b); select count(*) from t; delete from t where a%2=0; vacuum;"
gcc -O1 -o "$work/realloc8" "$here/realloc8.c"
st "$work/c-realloc8.strace" "$work/realloc8"
st "$work/gcc-compile.strace" gcc -O2 -c "$here/realloc8.c" -o "$work/realloc8.o"

for f in "$work"/*.strace; do
  gzip -9 -n -c "$f" > "$out/$(basename "$f").gz"
done
ls -l "$out"/*.strace.gz
