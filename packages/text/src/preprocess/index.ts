export { preprocess, tokenize, PREPROCESSING_VERSION } from "./preprocess.ts";
export { ABBREVIATIONS } from "./abbreviations.ts";
export { STOPWORDS } from "./stopwords.ts";
