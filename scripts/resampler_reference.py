#!/usr/bin/env python3
"""Reference tone gains of the paper's resampler (librosa's default then: resampy's kaiser_best) for
ResamplerTests. Written from the filter's definition, not from resampy's code: a windowed sinc with
64 zero crossings, cutoff rolloff x the lower Nyquist frequency, a Kaiser window (beta 14.7697) over
the 64 crossings, tabulated at 2^9 points per crossing and read with linear interpolation; output n
sits at input time n * sr_in / sr_out. Needs numpy and scipy (Debian: python3-numpy python3-scipy).
Usage: python3 scripts/resampler_reference.py
"""
import numpy as np
import scipy.signal

ZEROS, PRECISION, BETA, ROLLOFF = 64, 9, 14.769656459379492, 0.9475937167399596


def half_window():
    n = ZEROS * 2 ** PRECISION
    sinc = ROLLOFF * np.sinc(ROLLOFF * np.linspace(0, ZEROS, n + 1))
    return scipy.signal.get_window(("kaiser", BETA), 2 * n + 1, fftbins=False)[n:] * sinc


def resample(x, sr_in, sr_out):
    """resampy-style interpolation: table lookup with linear interpolation, both wings."""
    win = half_window()
    table = 2 ** PRECISION
    scale = min(1.0, sr_out / sr_in)
    if scale < 1:
        win = win * scale
    delta = np.append(np.diff(win), 0.0)
    step = int(scale * table)
    n_out = int(len(x) * sr_out / sr_in)
    y = np.zeros(n_out)
    for t in range(n_out):
        time = t * sr_in / sr_out
        n = int(time)
        for frac, sign in ((scale * (time - n), -1), (scale - scale * (time - n), +1)):
            index = frac * table
            offset = int(index)
            eta = index - offset
            count = (len(win) - offset) // step
            i = np.arange(count)
            taps = offset + i * step
            weights = win[taps] + eta * delta[taps]
            src = n - i if sign < 0 else n + 1 + i
            ok = (src >= 0) & (src < len(x))
            y[t] += np.dot(weights[ok], x[src[ok]])
    return y


def tone_gain_db(hz, sr_in, sr_out, seconds=0.25):
    x = 0.5 * np.sin(2 * np.pi * hz * np.arange(int(sr_in * seconds)) / sr_in)
    y = resample(x, sr_in, sr_out)
    m = y[len(y) // 4: 3 * len(y) // 4]
    t = np.arange(len(y))[len(y) // 4: 3 * len(y) // 4] / sr_out
    basis = np.stack([np.sin(2 * np.pi * hz * t), np.cos(2 * np.pi * hz * t), np.ones_like(t)], 1)
    coef = np.linalg.lstsq(basis, m, rcond=None)[0]
    return 20 * np.log10(np.hypot(coef[0], coef[1]) / 0.5)


if __name__ == "__main__":
    for sr_in, tones in ((44100, (1000, 9600, 10000, 10400, 10800)), (16000, (1000, 6900, 7200, 7500, 7800))):
        for hz in tones:
            print(f"{sr_in} -> 22050, {hz} Hz: {tone_gain_db(hz, sr_in, 22050):.3f} dB")
