// Where the memorisation check finds a run's training images: the images the generator was trained on, for the run's
// config, and which of them (if any) are also the evaluator's reference images, so those are left out of their own search.
namespace Dcgan.Quality;

using Dcgan.Data;
using Dcgan.Training;

/// <summary>The training images behind an evaluator's data set.</summary>
/// <param name="Load">The training images of a run's config (its --limit is applied by the caller: the first N).</param>
/// <param name="ReferenceIndex">
/// ReferenceIndex[i] is reference image i's index among the training images, when the reference images are part of them
/// (an image folder's held-out part: the generator trains on the whole folder); null when they are not (a test split).
/// </param>
public sealed record TrainingSource(Func<TrainConfig, ImageDataset> Load, IReadOnlyList<int>? ReferenceIndex = null);
