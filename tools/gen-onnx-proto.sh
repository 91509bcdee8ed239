#!/usr/bin/env bash
# Regenerates src/Dcgan.Export/Onnx/Onnx.cs (the C# message classes of the ONNX model format) from the committed
# onnx.proto, with protoc from the Google.Protobuf.Tools package of the same version as the Google.Protobuf runtime.
# onnx.proto is the file Debian's python3-onnx 1.12 ships (/usr/lib/python3/dist-packages/onnx/onnx.proto, IR version 8).
# The build never runs protoc: rerun this only when onnx.proto or the Google.Protobuf version changes.
# The classes are internal: the exporter is the only code that builds ONNX messages.
# Usage: tools/gen-onnx-proto.sh            (set PROTOC=/path/to/protoc to use another protoc)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/src/Dcgan.Export/Onnx"
version=3.36.2
protoc="${PROTOC:-}"
if [ -z "$protoc" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  cat >"$tmp/tools.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Google.Protobuf.Tools" Version="[$version]" /></ItemGroup>
</Project>
XML
  dotnet restore "$tmp/tools.csproj" --packages "$tmp/packages" -nologo >/dev/null
  case "$(uname -m)" in
    x86_64) platform=linux_x64 ;;
    aarch64) platform=linux_arm64 ;;
    *) echo "gen-onnx-proto: no protoc in Google.Protobuf.Tools for $(uname -m); set PROTOC" >&2; exit 1 ;;
  esac
  protoc="$tmp/packages/google.protobuf.tools/$version/tools/$platform/protoc"
  chmod +x "$protoc"
fi
"$protoc" --proto_path="$dir" --csharp_out="$dir" --csharp_opt=internal_access "$dir/onnx.proto"
echo "wrote $dir/Onnx.cs with $("$protoc" --version)"
