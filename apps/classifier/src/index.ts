export { startClassifier, type Classifier, type ClassifierOptions } from "./classifier.ts";
export { loadClassifierEnv, classifierEnvSchema, type ClassifierEnv } from "./env.ts";
export {
  DEFAULT_MODEL_DIR,
  loadModel,
  ModelLoadError,
  type Model,
  type Prediction,
} from "./model.ts";
