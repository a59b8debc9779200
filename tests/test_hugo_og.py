"""`cardgen batch --hugo` + the one-line theme override, run through a real `hugo` build.

The site's head partial reproduces the og:image logic of the theme (Hugo Blox
`modules/blox/layouts/_partials/site_head.html`, Wowchemy 5 `site_head.html`/`seo_tags.html`: featured
image, else `assets/media/sharing.*`) with cardgen's documented line added (docs/social.md, docs/ci.md).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cardgen.batch import run_batch

from conftest import tiny_png, write

HUGO = shutil.which("hugo")

HEAD = """
{{ $sharing_image := resources.GetMatch (path.Join "media" "sharing.*") }}
{{ $featured_image := (.Resources.ByType "image").GetMatch "*featured*" }}
{{ $og_image := "" }}
{{ if $featured_image }}
  {{ $og_image = $featured_image.Permalink }}
{{ else if $sharing_image }}
  {{ $og_image = $sharing_image.Permalink }}
{{ end }}
{{ $og_image = partial "cardgen_og_image" (dict "page" . "fallback" $og_image) }}
{{ with $og_image }}<meta property="og:image" content="{{ . }}" />{{ end }}
"""


@pytest.mark.slow
@pytest.mark.skipif(HUGO is None, reason="hugo is not installed")
def test_hugo_serves_cardgen_images_as_og_image_and_keeps_the_theme_choice_elsewhere(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site / "hugo.toml", 'baseURL = "https://lab.example.org/sub/"\ntitle = "Lab"\n')
    write(site / "layouts" / "_default" / "single.html",
          '<!DOCTYPE html><html><head>{{ partial "site_head.html" . }}</head><body>{{ .Title }}</body></html>\n')
    write(site / "layouts" / "_default" / "list.html", "<!DOCTYPE html><html><body>{{ .Title }}</body></html>\n")
    write(site / "layouts" / "partials" / "site_head.html", HEAD)
    for slug in ("made", "untouched"):
        write(site / "content" / "project" / slug / "index.md", f"---\ntitle: {slug}\nsummary: S.\n---\nText.\n")
        tiny_png(site / "content" / "project" / slug / "featured.png", (320, 200))
    assert run_batch(site, tmp_path / "out", jobs=1, formats="social", glob="project/made/index.md",
                     hugo=True) == 0
    proc = subprocess.run([HUGO, "--quiet", "-s", str(site), "-d", str(tmp_path / "public")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    made = (tmp_path / "public" / "project" / "made" / "index.html").read_text()
    untouched = (tmp_path / "public" / "project" / "untouched" / "index.html").read_text()
    image = next((site / "static" / "og" / "project").glob("made.*"))
    assert f'content="https://lab.example.org/sub/og/project/{image.name}"' in made
    assert (tmp_path / "public" / "og" / "project" / image.name).read_bytes() == image.read_bytes()
    assert 'content="https://lab.example.org/sub/project/untouched/featured.png"' in untouched
