#!/usr/bin/env bash
# Regenerates the miniature MagnaTagATune (needs ffmpeg and lame; not run by the tests): 12 clips in the
# real layout, annotations_final.csv in the real format (tab-separated, every field double-quoted,
# clip_id, the 188 tag columns of columns.txt in order, mp3_path), 1-s 16 kHz mono 32 kbps MP3s, one of
# them zero bytes (as in the real release) and one clip without any top-50 tag.
set -euo pipefail
cd "$(dirname "$0")"
clips=(
  "2|0/artist_a-album_a-01-morning-0-29.mp3|guitar,classical,strings|220"
  "6|3/artist_b-album_b-02-pulse-30-59.mp3|techno,electronic,beat,fast|330"
  "10|5/artist_c-album_c-03-empty-0-29.mp3|rock,drums|0"
  "14|7/artist_d-album_d-04-nocturne-0-29.mp3|piano,slow,quiet,classical|262"
  "18|9/artist_e-album_e-05-together-0-29.mp3|duet,hard rock|294"
  "22|a/artist_f-album_f-06-radio-0-29.mp3|vocal,female,pop|349"
  "26|b/artist_g-album_g-07-drift-0-29.mp3|ambient,synth,new age|392"
  "30|c/artist_h-album_h-08-sonata-0-29.mp3|violin,cello,classical|440"
  "34|c/artist_i-album_i-09-anthem-0-29.mp3|male,rock,loud|494"
  "38|d/artist_j-album_j-10-raga-0-29.mp3|sitar,indian|523"
  "42|e/artist_k-album_k-11-forge-0-29.mp3|drums,metal,loud|587"
  "46|f/artist_l-album_l-12-stream-0-29.mp3|harp,flute,soft|659"
)
mapfile -t columns < columns.txt
{
  printf '"clip_id"'; for c in "${columns[@]}"; do printf '\t"%s"' "$c"; done; printf '\t"mp3_path"\n'
  for entry in "${clips[@]}"; do
    IFS='|' read -r id path tags hz <<< "$entry"
    printf '"%s"' "$id"
    for c in "${columns[@]}"; do
      if [[ ",$tags," == *",$c,"* ]]; then printf '\t"1"'; else printf '\t"0"'; fi
    done
    printf '\t"%s"\n' "$path"
  done
} > annotations_final.csv
for entry in "${clips[@]}"; do
  IFS='|' read -r id path tags hz <<< "$entry"
  mkdir -p "$(dirname "$path")"
  if [ "$hz" = 0 ]; then : > "$path"; continue; fi
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "aevalsrc=0.4*sin(2*PI*${hz}*t)*(0.6+0.4*sin(2*PI*3*t))+0.02*(random(0)-0.5):s=16000:d=1" /tmp/mtat-clip.wav
  lame --quiet -b 32 -m m /tmp/mtat-clip.wav "$path"
done
