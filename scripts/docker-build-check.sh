#!/usr/bin/env bash
# The Dockerfile's build and install steps, performed on this machine outside a container (it has the
# docker client but no engine), then the worker run from the result as the image would run it.
# The Dockerfile is read, not restated: its COPY, WORKDIR and RUN lines run here in order, with the
# image's paths (/src, /app, /data, /usr/local/bin) mapped into a temporary folder; COPY copies only
# what the Dockerfile names from the context .dockerignore leaves, so a build that needs a file the
# image lacks fails here too. The one
# departure: the runtime stage's apt-get install is skipped when its packages are already installed.
# What this cannot show: the base images themselves (Ubuntu 24.04 there, this machine's Debian here).
# Usage: scripts/docker-build-check.sh [KEEP_DIR]   (KEEP_DIR keeps the folder; default: a temporary one)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then work=$1; rm -rf "$work"; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
work=$(cd "$work" && pwd)
chmod 755 "$work"

# An image path to where it lives here: each stage has its own root, $work/stageN.
mapped() {
  local r="$work/stage${2:-$stage}"
  sed -E -e "s#(^|[ =:])/(src|app|data)(/|\$| )#\1$r/\2\3#g" -e "s#(^|[ =:])/usr/local/bin(/|\$| )#\1$r/bin\2#g" <<<"$1"
}

# The build context: the repository less what .dockerignore leaves out (a build must not see this
# machine's bin/ and obj/ folders). Its three kinds of pattern: **/NAME/ at any depth, NAME/ and a glob
# such as *.md at the top.
excludes=(--no-wildcards-match-slash)
while read -r pattern; do
  case "$pattern" in
    ''|'#'*) ;;
    '**/'*/) name=${pattern#'**/'}; excludes+=(--exclude="${name%/}") ;;
    */*/|*'**'*) echo "unsupported .dockerignore pattern: $pattern" >&2; exit 2 ;;
    *) excludes+=(--exclude="./${pattern%/}") ;;
  esac
done < "$root/.dockerignore"
mkdir -p "$work/context"
tar -C "$root" -cf - "${excludes[@]}" . | tar -C "$work/context" -xf -

# The Dockerfile's instructions, one a line (continuations joined, comments dropped).
mapfile -t steps < <(sed -e '/^[[:space:]]*#/d' "$root/Dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | sed -e '/^[[:space:]]*$/d')
stage=0; user=""; entrypoint=""
for step in "${steps[@]}"; do
  read -r op rest <<<"$step"
  case "$op" in
    FROM) stage=$((stage + 1)); mkdir -p "$work/stage$stage/bin"; cd "$work/stage$stage"; echo "== stage $stage: $rest (here: $(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' /etc/os-release))" ;;
    WORKDIR) dir=$(mapped "$rest"); mkdir -p "$dir"; cd "$dir" ;;
    COPY)
      if [[ $rest == --from=* ]]; then
        read -r _ from to <<<"$rest"; mkdir -p "$(mapped "$to")"; cp -a "$(mapped "$from" 1)/." "$(mapped "$to")"
      else
        read -r -a args <<<"$rest"; to=${args[-1]}; unset 'args[-1]'
        if [[ $to == */ ]]; then mkdir -p "$to"; fi
        for a in "${args[@]}"; do
          # As docker: a folder's contents go into the destination, a file into it (or to its name).
          if [ -d "$work/context/$a" ]; then cp -a "$work/context/${a%/}/." "$to"; else cp -a "$work/context/$a" "$to"; fi
        done
      fi ;;
    RUN)
      cmd=$(mapped "$rest")
      if [[ $cmd == *"apt-get install"* ]]; then
        packages=$(sed -E 's/.*apt-get install ([^&]*).*/\1/; s/(^| )-[^ ]*//g' <<<"$cmd")
        # shellcheck disable=SC2086
        if dpkg -s $packages >/dev/null 2>&1; then echo "RUN apt-get install:$packages already installed here, skipped"; continue; fi
      fi
      echo "RUN $cmd"
      # Only the lines that matter are shown; the step's own status decides.
      set +e; bash -euo pipefail -c "$cmd" > "$work/step.log" 2>&1; status=$?; set -e
      grep -E "error|warn|Marked|->" "$work/step.log" || true
      if [ $status -ne 0 ]; then echo "step failed ($status): $cmd"; exit $status; fi
      ;;
    USER) user=$rest ;;
    ENTRYPOINT) entrypoint=$(sed -E 's/^\["([^"]*)".*/\1/' <<<"$rest") ;;
  esac
done

# As the image: the ENTRYPOINT found on PATH (a link into /app), as a user who owns nothing but /data
# (nobody here; the image's USER is $user).
image="$work/stage$stage"
data="$image/data"; mkdir -p "$data"
fixtures="$root/tests/SampleCnn.Tests/Fixtures"
cp "$fixtures/Audio/intensity-stereo-22k.mp3" "$fixtures/Audio/flac-mono-16k.flac" "$fixtures/Audio/mtat-like-16k-mono.mp3" "$fixtures/TorchScript/tiny-729.pt" "$data/"
cp -a "$fixtures/Mtat" "$data/mtat"
printf 'a\nb\nc\n' > "$data/tiny-729.tags"
chown -R nobody "$data" 2>/dev/null || true
worker() {
  echo "\$ samplecnn $*" >&2
  if [ "$(id -u)" = 0 ]; then
    (cd "$data" && setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$data" PATH="$image/bin:$PATH" "$entrypoint" "$@")
  else
    (cd "$data" && PATH="$image/bin:$PATH" "$entrypoint" "$@")
  fi
}
if [ "$(id -u)" = 0 ]; then runner=nobody; else runner=$(id -un); fi
echo "== the worker (image USER $user; here: $runner)"
# A weak need the system lacks is reported by ldd too: only hard ones count (on Debian 12 the build has
# weakened GLIBCXX_3.4.32; on noble nothing is weakened, the library has it).
echo "native libraries not found: $(ldd "$image"/app/*.so | grep 'not found' | grep -vc 'weak version' || true)"
worker --help | head -4
worker summary --model 3^9 | tail -3
# A TorchScript model from the test fixtures, on two files only ffmpeg decodes (FLAC, MPEG-2 intensity stereo).
worker tag intensity-stereo-22k.mp3 flac-mono-16k.flac --model tiny-729.pt --tags tiny-729.tags --segment-samples 729 --csv
# A SampleCnn checkpoint: one epoch of a 3^5 model on the tests' mini MagnaTagATune.
worker prepare mtat --root mtat --out store | head -3
worker train --store store --model 3^5 --run run --max-epochs 1 --threads 2 | grep "^stopped"
worker tag mtat-like-16k-mono.mp3 --model run --top 3
echo "== publish folder: $(du -sh "$image/app" | cut -f1) ($(du -sb "$image/app" | cut -f1) bytes), largest files:"
(cd "$image/app" && du -sh -- * | sort -h | tail -4)
