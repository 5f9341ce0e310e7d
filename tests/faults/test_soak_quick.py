"""The soak script (`python -m bench.soak`) in its 20-second form: the whole stack as processes,
steady ingest + feed + activity logging, RSS samples, no errors, clean stop."""

from __future__ import annotations

import json
import subprocess
import sys

from faults_support import REPO


class TestSoakQuick:
    def test_a_quick_soak_runs_every_kind_of_traffic_without_errors_and_reports_memory(self, tmp_path) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "bench.soak", "--quick", "--keep", str(tmp_path / "soak")],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        result = json.loads(done.stdout)
        assert done.returncode == 0 and result["ok"], json.dumps(
            {k: v for k, v in result.items() if k != "rss_samples_kib"}, indent=1
        )
        assert set(result["requests"]) == {"ingest_batch", "get_feed", "log_activity", "get_caseload"}
        assert all(count > 0 for count in result["requests"].values())
        assert result["errors"] == {}
        assert set(result["memory"]) == {"vacancies", "matching", "activities"}
        assert all(m["rss_end_mib"] > 0 for m in result["memory"].values())
        assert len(result["rss_samples_kib"]) >= 5
