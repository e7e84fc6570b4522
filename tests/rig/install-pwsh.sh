#!/usr/bin/env bash
# Installs what the Pester tests need, for the user running it, when missing (idempotent; no root):
#   pwsh 7.6.9 as a .NET global tool (needs the .NET 10 runtime), in ${DOTNET_CLI_HOME:-$HOME}/.dotnet/tools
#     (not on PATH by default; tools/test.sh puts it first on its PATH);
#   Pester 5.7.1 in the user's PowerShell module folder (${XDG_DATA_HOME:-$HOME/.local/share}/powershell/Modules),
#     so `Import-Module Pester` and `Invoke-Pester ./tests/drills` work as after Install-Module. nuget.org serves
#     Pester only as a package whose tools/ folder is the module: pester/Pester.proj downloads it (pinned: Pester 6
#     is served too) into a scratch folder, and tools/ is copied into place.
# setup.sh runs this as its last step; it can also be run alone.
set -euo pipefail

PWSH_VERSION=7.6.9
PESTER_VERSION=5.7.1
RIG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS_DIR="${DOTNET_CLI_HOME:-$HOME}/.dotnet/tools"
MODULES_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/powershell/Modules"

# shellcheck source=lib.sh
source "$RIG_DIR/lib.sh"

command -v dotnet >/dev/null || die 'the .NET SDK is required to install pwsh and Pester and is not on PATH'

pwsh="$TOOLS_DIR/pwsh"
# "7.6.9" from a working install; empty when missing or broken (e.g. its runtime was removed)
installed="$("$pwsh" -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null || true)"
if [ "$installed" = "$PWSH_VERSION" ]; then
	step "pwsh: $PWSH_VERSION already installed ($pwsh)"
else
	# another version, or a broken one (shim gone, runtime removed): `dotnet tool update` to the same version does
	# nothing, so uninstall whatever is there and install afresh
	if dotnet tool list --global 2>/dev/null | grep -qi '^powershell '; then
		step "pwsh: removing ${installed:-a broken install} from $TOOLS_DIR to install $PWSH_VERSION"
		quiet dotnet tool uninstall --global PowerShell || die 'removing the installed pwsh failed'
	fi
	step "pwsh: installing $PWSH_VERSION (dotnet tool install --global PowerShell, a few seconds)"
	quiet dotnet tool install --global PowerShell --version "$PWSH_VERSION" || die 'installing pwsh failed'
fi
if [ "$installed" != "$PWSH_VERSION" ] &&
	[ "$("$pwsh" -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()')" != "$PWSH_VERSION" ]; then
	die "$pwsh does not run PowerShell $PWSH_VERSION after installing it"
fi

pester="$MODULES_DIR/Pester/$PESTER_VERSION"
if [ -f "$pester/Pester.psd1" ]; then
	step "Pester: $PESTER_VERSION already installed ($pester)"
else
	step "Pester: installing $PESTER_VERSION into $pester (NuGet package download)"
	scratch="$(mktemp -d)"
	trap 'rm -rf "$scratch"' EXIT
	# packages and restore output go to the scratch folder: nothing lands in the repository or the NuGet cache
	quiet dotnet restore "$RIG_DIR/pester/Pester.proj" --nologo --packages "$scratch/packages" \
		-p:MSBuildProjectExtensionsPath="$scratch/obj/" || die 'downloading Pester failed'
	[ -f "$scratch/packages/pester/$PESTER_VERSION/tools/Pester.psd1" ] ||
		die "the Pester $PESTER_VERSION package has no tools/Pester.psd1"
	mkdir -p "$MODULES_DIR/Pester"
	rm -rf "$pester.partial"
	cp -R "$scratch/packages/pester/$PESTER_VERSION/tools" "$pester.partial"
	rm -rf "$pester" # a folder without Pester.psd1 is a broken install
	mv "$pester.partial" "$pester" # a half-copied module is never taken for an installed one
	quiet "$pwsh" -NoProfile -NonInteractive -Command "Import-Module Pester -RequiredVersion $PESTER_VERSION -ErrorAction Stop" ||
		die "pwsh cannot import Pester $PESTER_VERSION from $pester"
fi
