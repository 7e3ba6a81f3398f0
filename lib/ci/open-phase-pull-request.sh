#!/usr/bin/env bash
# Commits the phase files a dr-operation run wrote, and nothing else, on a
# branch of its own, pushes it and opens a pull request whose body is the
# run's report.
#
#   BRANCH=crdr/failover-pg-primary-42-1 BASE_BRANCH=main \
#   GITHUB_REPOSITORY=acme/crdr lib/ci/open-phase-pull-request.sh REPORT_DIR
#
# Run in a checkout of the commit the operation ran on. REPORT_DIR holds what
# the operation job left (collect-phase-change.sh): phase-changes.txt (the
# changed files' paths in the repository, one a line: for one pair, only its
# own file), phase-change/<path> (their new content), commit-message.txt,
# pull-request-title.txt and pull-request.md. Needs `gh` with GH_TOKEN, and
# git credentials that can push (the checkout's). Writes
# pull-request-url=<url> to $GITHUB_OUTPUT.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 REPORT_DIR" >&2
  exit 2
fi
report_dir=$1
branch=${BRANCH:?BRANCH is the branch to create}
base=${BASE_BRANCH:?BASE_BRANCH is the branch the pull request goes into}

mapfile -t files < "$report_dir/phase-changes.txt"
if [ ${#files[@]} -eq 0 ]; then
  echo "::error::$report_dir/phase-changes.txt names no phase file."
  exit 2
fi
for file in "${files[@]}"; do
  case "$file" in
    "" | /* | ../* | */../* | *"/.." | ..)
      echo "::error::The phase file path \"$file\" is not a path inside the repository."
      exit 2
      ;;
  esac
done

for file in "${files[@]}"; do
  mkdir -p "$(dirname "$file")"
  cp "$report_dir/phase-change/$file" "$file"
done
if [ -z "$(git status --porcelain --untracked-files=all -- "${files[@]}")" ]; then
  echo "${files[*]} already as the run left it: no pull request."
  exit 0
fi

git switch --quiet --create "$branch"
git add -- "${files[@]}"
staged=$(git diff --cached --name-only | sort)
expected=$(printf '%s\n' "${files[@]}" | sort)
if [ "$staged" != "$expected" ]; then
  echo "::error::Only $(echo "$expected" | paste -sd ' ') may be committed, but these are staged: $(echo "$staged" | paste -sd ' ')"
  exit 1
fi
git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
  commit --quiet --file "$report_dir/commit-message.txt"
git push --quiet origin "HEAD:refs/heads/$branch"

url=$(gh pr create --repo "${GITHUB_REPOSITORY:?}" --base "$base" --head "$branch" \
  --title "$(head -n 1 "$report_dir/pull-request-title.txt")" --body-file "$report_dir/pull-request.md")
echo "pull-request-url=$url" >> "${GITHUB_OUTPUT:?}"
echo "Opened $url"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  echo "### The phase-file pull request: $url" >> "$GITHUB_STEP_SUMMARY"
fi
