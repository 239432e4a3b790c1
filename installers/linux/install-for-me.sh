#!/bin/sh
# Install cswb-desktop for this user only: no administrator password, no internet.
#
#   sh install-for-me.sh              install (or update) from this folder
#   sh install-for-me.sh --uninstall  remove it again (your plan files are not touched)
#
# The program goes to ~/.local/share/cswb-desktop-app, the commands cswb-desktop and cswb to
# ~/.local/bin, and the menu entry, the .cswb file type and the icons to ~/.local/share, so that
# double-clicking a .cswb file opens it in cswb-desktop.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
app=$data/cswb-desktop-app
bin=$HOME/.local/bin
desktop=$data/applications/cswb-desktop.desktop
mime=$data/mime/packages/cswb-desktop.xml
icons=$data/icons/hicolor

refresh() {
    if command -v update-mime-database >/dev/null 2>&1; then
        update-mime-database "$data/mime" >/dev/null 2>&1 || true
    fi
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$data/applications" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$icons/index.theme" ]; then
        gtk-update-icon-cache -q -t "$icons" 2>/dev/null || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$app"
    for f in "$bin/cswb-desktop" "$bin/cswb"; do
        if [ -L "$f" ]; then rm -f "$f"; fi
    done
    rm -f "$desktop" "$mime"
    find "$icons" \( -name cswb-desktop.png -o -name cswb-desktop.svg \
        -o -name application-x-cswb-plan.png -o -name application-x-cswb-plan.svg \) \
        -exec rm -f {} + 2>/dev/null || true
    refresh
    echo "cswb-desktop was removed. Your plan files (.cswb) were not touched."
    exit 0
fi

if [ ! -f "$here/cswb-desktop" ] || [ ! -d "$here/_internal" ]; then
    echo "install-for-me.sh: run me from the unpacked cswb-desktop folder." >&2
    exit 1
fi

# Copy beside the old installation first, then swap: a failed copy leaves the old one working.
mkdir -p "$data"
rm -rf "$app.new"
cp -R "$here/." "$app.new"
chmod +x "$app.new/cswb-desktop" "$app.new/cswb"  # a FAT USB stick does not keep the flag
rm -rf "$app"
mv "$app.new" "$app"

mkdir -p "$bin" "$data/applications" "$data/mime/packages"
ln -sf "$app/cswb-desktop" "$bin/cswb-desktop"
ln -sf "$app/cswb" "$bin/cswb"
sed -e "s|^Exec=.*|Exec=\"$app/cswb-desktop\" %f|" -e "s|^TryExec=.*|TryExec=$app/cswb-desktop|" \
    "$here/share/applications/cswb-desktop.desktop" > "$desktop"
cp "$here/share/mime/packages/cswb-desktop.xml" "$mime"
mkdir -p "$icons"
cp -R "$here/share/icons/hicolor/." "$icons/"
refresh
if command -v xdg-mime >/dev/null 2>&1; then
    xdg-mime default cswb-desktop.desktop application/x-cswb-plan 2>/dev/null || true
fi

echo "cswb-desktop $("$app/cswb" --version | sed 's/^cswb-desktop //') is installed for $(id -un)."
echo "Start it from the applications menu, by double-clicking a .cswb file, or with: $bin/cswb-desktop"
case ":$PATH:" in
    *":$bin:"*) ;;
    *) echo "($bin is not on your PATH yet; it usually is after you log in again.)" ;;
esac
