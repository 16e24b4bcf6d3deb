// Percentiles, durations and the progress text.
#include <gtest/gtest.h>

#include "progress_display.h"
#include "run_summary.h"

namespace lightvl::caption {
namespace {

TEST(CaptionSummary, NearestRankPercentiles) {
  std::vector<double> values;
  for (int i = 100; i >= 1; --i) values.push_back(i);  // unsorted on purpose
  EXPECT_EQ(percentile(values, 50), 50);
  EXPECT_EQ(percentile(values, 90), 90);
  EXPECT_EQ(percentile(values, 99), 99);
  EXPECT_EQ(percentile(values, 100), 100);
  EXPECT_EQ(percentile(values, 0), 1);
  EXPECT_EQ(percentile({3.0}, 99), 3.0);
  EXPECT_EQ(percentile({1.0, 2.0, 3.0}, 50), 2.0);
  EXPECT_EQ(percentile({}, 50), 0);
}

TEST(CaptionSummary, DurationsAndProgressText) {
  EXPECT_EQ(format_duration(7.4), "0:07");
  EXPECT_EQ(format_duration(725), "12:05");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-1), "--:--");
  EXPECT_EQ(progress_text(12, 40, 1, 6.0), "12/40 images, 2.00 img/s, ETA 0:14, 1 failed");
  EXPECT_EQ(progress_text(0, 40, 0, 1.0), "0/40 images, 0.00 img/s, ETA --:--, 0 failed");
}

TEST(CaptionSummary, ReportsThroughputOnlyWhenImagesRan) {
  RunSummary s;
  s.already_done = 3;
  EXPECT_EQ(summary_text(s).find("images/s"), std::string::npos);
  s.captioned = 4;
  s.seconds = 2;
  s.caption_seconds = {0.1, 0.2, 0.3, 0.4};
  EXPECT_NE(summary_text(s).find("4 images in 2.00 s: 2.00 images/s; time to caption p50 0.200 s, p90 0.400 s"),
            std::string::npos)
      << summary_text(s);
}

}  // namespace
}  // namespace lightvl::caption
