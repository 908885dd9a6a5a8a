#!/usr/bin/env python3
"""Check the Flatpak manifest: it parses as JSON and asks for what the app
needs and nothing more.

Usage: check-flatpak.py MANIFEST APP_ID
"""

import json
import sys

REQUIRED_FINISH_ARGS = [
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
]

# Access the app must not have: files arrive through the portal and drag-and-drop.
FORBIDDEN_PREFIXES = [
    "--filesystem",
    "--socket=x11",
    "--socket=session-bus",
    "--socket=system-bus",
    "--device=all",
    "--talk-name=org.freedesktop.Flatpak",
]

MIN_GNOME_RUNTIME = 47  # GTK 4.16 / libadwaita 1.6 / libsoup 3.6 (GUIDE §5)


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    path, app_id = sys.argv[1:]
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: {e}", file=sys.stderr)
        return 1

    errors = []

    def expect(cond, message):
        if not cond:
            errors.append(message)

    expect(manifest.get("id", manifest.get("app-id")) == app_id,
           f"id is {manifest.get('id')!r}, expected {app_id!r}")
    expect(manifest.get("runtime") == "org.gnome.Platform",
           f"runtime is {manifest.get('runtime')!r}, expected 'org.gnome.Platform'")
    expect(manifest.get("sdk") == "org.gnome.Sdk",
           f"sdk is {manifest.get('sdk')!r}, expected 'org.gnome.Sdk'")
    version = str(manifest.get("runtime-version", ""))
    expect(version.isdigit() and int(version) >= MIN_GNOME_RUNTIME,
           f"runtime-version {version!r} is not a GNOME runtime >= {MIN_GNOME_RUNTIME}")
    expect(manifest.get("command") == "phone-rescue",
           f"command is {manifest.get('command')!r}, expected 'phone-rescue'")

    finish_args = manifest.get("finish-args", [])
    for arg in REQUIRED_FINISH_ARGS:
        expect(arg in finish_args, f"finish-args lacks {arg}")
    for arg in finish_args:
        for prefix in FORBIDDEN_PREFIXES:
            expect(not (arg == prefix or arg.startswith(prefix + "=") or arg.startswith(prefix + ":")),
                   f"finish-args must not contain {arg}")

    modules = manifest.get("modules", [])
    ours = [m for m in modules if isinstance(m, dict) and m.get("name") == "phone-rescue"]
    expect(len(ours) == 1, "no module named 'phone-rescue'")
    if ours:
        module = ours[0]
        expect(module.get("buildsystem") == "meson",
               f"module buildsystem is {module.get('buildsystem')!r}, expected 'meson'")
        expect(module.get("builddir") is True, "module builddir is not true")
        expect(len(module.get("sources", [])) > 0, "module has no sources")

    if errors:
        for e in errors:
            print(f"{path}: {e}", file=sys.stderr)
        return 1
    print(f"{path}: ok ({len(finish_args)} finish-args, runtime {version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
