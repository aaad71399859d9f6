// `run --resume` reuses a finished stage only when its fingerprint matches (jobs/run.hpp).
#include <gtest/gtest.h>

#include "jobs/checkpoint.hpp"

namespace {

using ch::jobs::stage_resume_key;

const std::string kInputs = "records.h5 sha256:0123\n";

TEST(StageResumeKey, SameStageInputsOptionsAndBuildGiveTheSameKey) {
  EXPECT_EQ(stage_resume_key("resolve", kInputs, {"resolve.threshold=6"}, "0.9.0 abc123"),
            stage_resume_key("resolve", kInputs, {"resolve.threshold=6"}, "0.9.0 abc123"));
}

TEST(StageResumeKey, AnotherProgramBuildMakesTheStageStale) {
  // A newer program may compute the stage differently: its output must not be reused.
  EXPECT_NE(stage_resume_key("resolve", kInputs, {}, "0.9.0 abc123"),
            stage_resume_key("resolve", kInputs, {}, "0.9.0 def456"));
  EXPECT_NE(stage_resume_key("resolve", kInputs, {}, "0.9.0 abc123"),
            stage_resume_key("resolve", kInputs, {}, "0.9.1 abc123"));
}

TEST(StageResumeKey, InputsOptionsAndStageCount) {
  const auto key = stage_resume_key("network", kInputs, {"network.max_phone_persons=5"}, "b");
  EXPECT_NE(key, stage_resume_key("network", "records.h5 sha256:4567\n", {"network.max_phone_persons=5"}, "b"));
  EXPECT_NE(key, stage_resume_key("network", kInputs, {"network.max_phone_persons=20"}, "b"));
  EXPECT_NE(key, stage_resume_key("network", kInputs, {}, "b"));
  EXPECT_NE(key, stage_resume_key("communities", kInputs, {"network.max_phone_persons=5"}, "b"));
}

}  // namespace
