#!/bin/sh
set -e
echo "starting the sample API on port ${PORT:-8080}"
export ASPNETCORE_URLS="http://+:${PORT:-8080}"
dotnet /app/Handoff.Sample.Api.dll
