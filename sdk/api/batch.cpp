#include "lightvl/batch.h"

#include "engine/batch_generator.h"

namespace lightvl {

BatchGenerator::BatchGenerator(std::shared_ptr<const Model> model)
    : model_(std::move(model)), impl_(std::make_unique<engine::BatchGenerator>(*model_->loaded_)) {}

BatchGenerator::~BatchGenerator() = default;
BatchGenerator::BatchGenerator(BatchGenerator&&) noexcept = default;
BatchGenerator& BatchGenerator::operator=(BatchGenerator&&) noexcept = default;

int64_t BatchGenerator::add(const std::vector<Message>& messages, const GenerationConfig& config,
                            StreamCallback on_piece) {
  return impl_->add(messages, config, std::move(on_piece));
}

std::vector<std::pair<int64_t, GenerationResult>> BatchGenerator::step() { return impl_->step(); }

size_t BatchGenerator::active() const { return impl_->active(); }

}  // namespace lightvl
