#!/bin/sh
# installcheck.sh — what `make install DESTDIR=$root` put in place, used from
# another directory as a user would: the program (help, fetch --from, training
# runs, a saved model applied), the man pages through man, the bash completion
# (sourced, and found by bash-completion's loader), and the README's library
# example compiled with pkg-config against the installed headers and library.
# Run by `make installcheck`, which sets root and the installation
# directories.  The MNIST files come from $MNIST_FROM, else from the user's
# cache (${XDG_CACHE_HOME:-~/.cache}/learnkit/mnist).
: "${root:?}" "${bindir:?}" "${libdir:?}" "${includedir:?}" "${mandir:?}" "${datadir:?}"
: "${bashcompletiondir?}" "${top_srcdir:?}" "${CC:=cc}" "${PKG_CONFIG:=pkg-config}"
top_srcdir=$(cd "$top_srcdir" && pwd)
LEARNKIT=$root$bindir/learnkit
. "$top_srcdir/tests/cli.sh.inc"
# Nothing of the build tree or of an earlier installation may stand in.
LD_LIBRARY_PATH=$root$libdir
export LD_LIBRARY_PATH
unset LEARNKIT_DATA
cd "$TMPD" || exit 1

# has FILE: an installed file exists
has() {
    checks=$((checks + 1))
    [ -f "$root$1" ] || fail "not installed: $1"
}

# ---------------------------------------------------------------- files
has "$bindir/learnkit"
has "$includedir/learnkit.h"
has "$includedir/learnkit/real.h"
has "$libdir/pkgconfig/learnkit.pc"
has "$mandir/man1/learnkit.1"
[ -z "$bashcompletiondir" ] || has "$bashcompletiondir/learnkit"
checks=$((checks + 1))
ldd "$LEARNKIT" | grep -q "liblearnkit.*=> $root$libdir/" ||
    fail "the installed program does not load the installed library: $(ldd "$LEARNKIT" | grep learnkit)"

# ---------------------------------------------------------------- program
run 0 --help && out_has '^usage: learnkit COMMAND' && out_has '^  elm '
commands=$(commands)
for c in $commands; do
    has "$mandir/man1/learnkit-$c.1"
done
run 0 --version && out_has '^learnkit [0-9]'

mnist=${MNIST_FROM:-${XDG_CACHE_HOME:-$HOME/.cache}/learnkit/mnist}
checks=$((checks + 1))
if [ -d "$mnist" ]; then
    run 0 fetch -q --from "$mnist" --data-dir "$TMPD/data" mnist
    for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte \
             t10k-labels-idx1-ubyte; do
        checks=$((checks + 1))
        [ -f "$TMPD/data/mnist/$f" ] || [ -f "$TMPD/data/mnist/$f.gz" ] ||
            fail "fetch --from did not install $f"
    done
    run 0 elm -q --hidden 200 --data-dir "$TMPD/data" -o elm.lkm mnist &&
        out_has '^test accuracy +(8|9)[0-9]\.[0-9]+%'
    run 0 eval -q -m elm.lkm --data-dir "$TMPD/data" mnist && out_has 'accuracy'
else
    fail "no MNIST files at $mnist: set MNIST_FROM=DIR (the four files, plain or .gz)"
fi

# A small CSV problem, a model saved, inspected and applied.
awk 'BEGIN { srand(7); print "label,x,y";
             for (i = 0; i < 200; i++) { x = rand(); y = rand();
                 printf "%s,%.4f,%.4f\n", (x + y > 1 ? "hi" : "lo"), x, y } }' > points.csv
run 0 lsq -q points.csv -o lsq.lkm && out_has '^test accuracy'
run 0 inspect lsq.lkm && out_has 'lsq'
run 0 predict -q -m lsq.lkm points.csv && out_has '^(hi|lo)$'
checks=$((checks + 1))
[ "$(wc -l < "$TMPD/out")" -eq 200 ] || fail "predict printed $(wc -l < "$TMPD/out") lines, not 200"
run 0 mlp -q --hidden 8 --epochs 2 points.csv && out_has '^test accuracy'

# ---------------------------------------------------------------- man
if command -v man > /dev/null 2>&1 && command -v groff > /dev/null 2>&1; then
    for page in learnkit $(for c in $commands; do echo "learnkit-$c"; done); do
        man_clean "$root$mandir/man1/$page.1"
    done
    checks=$((checks + 1))
    MANPATH=$root$mandir MANWIDTH=80 man -P cat learnkit > man.out 2> man.err
    grep -q '^ *learnkit - neural learners' man.out && grep -q 'XDG_CACHE_HOME' man.out ||
        fail "man learnkit: $(head -3 man.err)"
    checks=$((checks + 1))
    MANPATH=$root$mandir MANWIDTH=80 man -P cat learnkit-elm > man.out 2> man.err
    grep -q -- '--hidden N' man.out || fail "man learnkit-elm: $(head -3 man.err)"
else
    fail "man and groff are needed to read the installed pages (Debian: man-db, groff-base)"
fi

# ---------------------------------------------------------------- completion
# (not when configured --without-bash-completion-dir)
if [ -n "$bashcompletiondir" ]; then
    checks=$((checks + 1))
    got=$(bash -c '. "$0"; COMP_WORDS=(learnkit el); COMP_CWORD=1; _learnkit; a=${COMPREPLY[*]}
                   COMP_WORDS=(learnkit mlp --optimizer a); COMP_CWORD=3; _learnkit
                   echo "$a ${COMPREPLY[*]}"' "$root$bashcompletiondir/learnkit")
    [ "$got" = "elm adam" ] || fail "the installed completion offers '$got'"
    # bash-completion finds it by itself when it is where it looks.
    loader=$($PKG_CONFIG --variable=datadir bash-completion 2> /dev/null)/bash-completion/bash_completion
    if [ "$bashcompletiondir" = "$datadir/bash-completion/completions" ] && [ -f "$loader" ]; then
        checks=$((checks + 1))
        got=$(XDG_DATA_DIRS=$root$datadir BASH_COMPLETION_USER_DIR=$TMPD/none bash -c \
              '. "$0" && __load_completion learnkit && complete -p learnkit' "$loader" 2>&1)
        [ "$got" = "complete -F _learnkit learnkit" ] ||
            fail "bash-completion does not load the installed completion: $got"
    fi
fi

# ---------------------------------------------------------------- library
# The first C block of the README's section "The library".
awk '/^## / { lib = $0 == "## The library" } lib && !done && /^```c$/ { keep = 1; next }
     keep && /^```$/ { keep = 0; done = 1 } keep' "$top_srcdir/README.md" > elm_demo.c
checks=$((checks + 1))
flags=$(PKG_CONFIG_PATH=$root$libdir/pkgconfig $PKG_CONFIG \
        --define-variable=libdir="$root$libdir" --define-variable=includedir="$root$includedir" \
        --cflags --libs learnkit) || fail "pkg-config --cflags --libs learnkit failed"
case " $flags " in
*" -I$root$includedir "*) ;;
*) fail "pkg-config's flags do not name the installed headers: $flags" ;;
esac
checks=$((checks + 1))
# shellcheck disable=SC2086
$CC elm_demo.c $flags -o elm_demo > cc.out 2>&1 && ! grep -q 'warning:' cc.out ||
    fail "the README's example does not build against the installation: $(head -5 cc.out)"
if [ -d "$TMPD/data/mnist" ]; then
    checks=$((checks + 1))
    ./elm_demo "$TMPD/data/mnist" > demo.out 2>&1
    grep -Eq '^mnist: 500 hidden units, test accuracy (8|9)[0-9]\.[0-9]+%$' demo.out ||
        fail "elm_demo on MNIST: $(head -3 demo.out)"
fi
checks=$((checks + 1))
./elm_demo points.csv > demo.out 2>&1
grep -Eq '^points.csv: 500 hidden units, test accuracy [0-9.]+%$' demo.out ||
    fail "elm_demo on a CSV file: $(head -3 demo.out)"

finish
