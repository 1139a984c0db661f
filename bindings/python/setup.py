"""Builds the C extension against an installed libpiiscan, found with pkg-config.

Set PKG_CONFIG_PATH to PREFIX/lib/pkgconfig when the library is not in a
system location.  The extension records the library directory as its rpath
(so no LD_LIBRARY_PATH is needed); set PIISCAN_NO_RPATH=1 to leave it out
(packagers installing the library system-wide).
"""
import os
import shlex
import subprocess

from setuptools import Extension, setup


def pkg_config(*args):
    cmd = ["pkg-config", *args, "piiscan"]
    try:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        raise SystemExit("piiscan: pkg-config is not installed (apt-get install pkg-config)")
    except subprocess.CalledProcessError as e:
        raise SystemExit(
            "piiscan: the C library libpiiscan was not found by pkg-config:\n"
            f"  {e.stderr.strip()}\n"
            "Build and install it first (cmake --install build --prefix PREFIX), then\n"
            "  PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pip install ./bindings/python")
    return shlex.split(out)


cflags = pkg_config("--cflags")
libs = pkg_config("--libs")
libdir = pkg_config("--variable=libdir")

include_dirs = [f[2:] for f in cflags if f.startswith("-I")]
library_dirs = [f[2:] for f in libs if f.startswith("-L")]
libraries = [f[2:] for f in libs if f.startswith("-l")]
extra_compile = [f for f in cflags if not f.startswith("-I")]
extra_link = [f for f in libs if not f.startswith(("-L", "-l"))]
rpath = [] if os.environ.get("PIISCAN_NO_RPATH") else [d for d in libdir if d]

setup(
    ext_modules=[
        Extension(
            "piiscan._piiscan",
            sources=["src/piiscan/_piiscan.c"],
            include_dirs=include_dirs,
            library_dirs=library_dirs,
            libraries=libraries,
            runtime_library_dirs=rpath,
            extra_compile_args=["-std=c11", "-Wall", "-Wextra", "-Wno-missing-field-initializers",
                                "-Wno-cast-function-type", *extra_compile],
            extra_link_args=["-pthread", *extra_link],
        )
    ],
)
