#!/usr/bin/env bash
# Regenerates the audio fixtures and their reference decodes (needs ffmpeg and lame; not run by the tests).
# Each fixture X has X.ref.f32: ffmpeg's decode at the file's own rate and channel count, raw float32
# little-endian interleaved, which the tests compare with our decoders.
set -euo pipefail
cd "$(dirname "$0")"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
# A music-like test signal: a decaying A-major chord with vibrato over a soft noise floor.
music() { # rate channels seconds
  local expr="0.3*exp(-2*t)*(sin(2*PI*440*t+3*sin(2*PI*5*t))+0.6*sin(2*PI*554.37*t)+0.5*sin(2*PI*659.25*t)+0.2*sin(2*PI*1760*t))+0.02*(random(0)-0.5)"
  local right="0.3*exp(-3*t)*(sin(2*PI*330*t)+0.4*sin(2*PI*2000*t))+0.02*(random(1)-0.5)"
  if [ "$2" = 1 ]; then echo "aevalsrc=exprs=${expr}:s=$1:d=$3"
  else echo "aevalsrc=exprs=${expr}|${right}:s=$1:d=$3"; fi
}
ff -f lavfi -i "$(music 8000 1 0.3)" -c:a pcm_u8 pcm8-mono-8k.wav
ff -f lavfi -i "$(music 11025 2 0.2)" -c:a pcm_s16le pcm16-stereo-11k.wav
ff -f lavfi -i "$(music 16000 1 0.2)" -c:a pcm_s24le pcm24-mono-16k.wav
ff -f lavfi -i "$(music 8000 1 0.2)" -c:a pcm_s32le pcm32-mono-8k.wav
ff -f lavfi -i "$(music 8000 2 0.1)" -c:a pcm_f32le float32-stereo-8k.wav
ff -f lavfi -i "$(music 8000 1 0.1)" -c:a pcm_f64le float64-mono-8k.wav
# Six channels make ffmpeg write WAVE_FORMAT_EXTENSIBLE.
ff -f lavfi -i "$(music 8000 2 0.05)" -af "pan=5.1|FL=c0|FR=c1|FC=0.5*c0+0.5*c1|LFE=0.1*c0|BL=c0|BR=c1" -c:a pcm_s16le extensible-6ch-8k.wav
# MagnaTagATune-like (16 kHz mono 32 kbps) and Million-Song-like (44.1 kHz stereo) MP3s, encoded by LAME.
ff -f lavfi -i "$(music 16000 1 0.5)" -f wav - | lame --quiet -b 32 -m m --resample 16 - mtat-like-16k-mono.mp3
# Encoding from a file (not a pipe) lets LAME write its Info tag with the encoder delay and padding.
ff -f lavfi -i "$(music 44100 2 0.15)" /tmp/msd-like.wav && lame --quiet -b 128 /tmp/msd-like.wav msd-like-44k-stereo.mp3
# Its frames from the third audio frame on, as after a cut or a resynchronisation: the first refers to main
# data in the bit reservoir of frames cut away, so it decodes to silence (as ffmpeg does), not to nothing.
tail -c +835 msd-like-44k-stereo.mp3 > mid-reservoir-44k-stereo.mp3
# Layer II in stereo (an .mp3 name, as such files are found): libmpg123 mixes only Layer III to mono, so these stay stereo.
ff -f lavfi -i "$(music 44100 2 0.15)" -c:a mp2 -b:a 128k -f mp2 layer2-44k-stereo.mp3
# Intensity stereo (MPEG-2 LSF, 22050 Hz joint stereo, 80 kbps; LAME never writes it): the first 52 frames
# (1.36 s) of frontiers.mp3 by Michael Kievernagel (GPL-2+), from Debian's asc-music package
# (apt-get install asc-music). All but 3 frames use intensity stereo.
head -c 13584 /usr/share/games/asc/music/frontiers.mp3 > intensity-stereo-22k.mp3
ff -f lavfi -i "$(music 22050 1 0.3)" -c:a libvorbis -q:a 2 vorbis-mono-22k.ogg
# Formats we decode through ffmpeg.
ff -f lavfi -i "$(music 16000 1 0.2)" -c:a flac flac-mono-16k.flac
ff -f lavfi -i "$(music 48000 1 0.1)" -c:a libopus -b:a 24k opus-mono-48k.opus
for f in *.wav *.mp3 *.ogg *.flac *.opus; do
  ff -i "$f" -f f32le -c:a pcm_f32le "$f.ref.f32"
done
