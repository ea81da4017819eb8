//! Turning photos into CLIP's input tensor, following the model's `preprocess_cfg.json` the way
//! Immich does: resize the shortest side to the model's size and centre-crop (open_clip's
//! "shortest" mode), or stretch ("squash"), or fit and pad ("longest"); then scale to 0..1 and
//! normalise each channel with the model's mean and standard deviation.

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;

use crate::MlError;
use crate::clip_config::PreprocessConfig;

pub(crate) struct ClipPreprocess {
    width: u32,
    height: u32,
    mean: [f32; 3],
    std: [f32; 3],
    algorithm: ResizeAlg,
    mode: ResizeMode,
    fill_color: u8,
}

#[derive(Clone, Copy)]
enum ResizeMode {
    Shortest,
    Squash,
    Longest,
}

impl ClipPreprocess {
    pub fn new(config: &PreprocessConfig) -> Result<Self, MlError> {
        let (width, height) = config.size.width_height();
        if width == 0 || height == 0 {
            return Err(MlError::InvalidModel("preprocess_cfg.json: size is zero".to_owned()));
        }
        let algorithm = match config.interpolation.as_str() {
            "bicubic" => ResizeAlg::Convolution(FilterType::CatmullRom),
            "bilinear" => ResizeAlg::Convolution(FilterType::Bilinear),
            "lanczos" => ResizeAlg::Convolution(FilterType::Lanczos3),
            "nearest" => ResizeAlg::Nearest,
            other => {
                return Err(MlError::InvalidModel(format!("preprocess_cfg.json: unknown interpolation {other:?}")));
            }
        };
        Self::with(config, width, height, algorithm)
    }

    fn with(config: &PreprocessConfig, width: u32, height: u32, algorithm: ResizeAlg) -> Result<Self, MlError> {
        let mode = match config.resize_mode.as_str() {
            "shortest" => ResizeMode::Shortest,
            "squash" => ResizeMode::Squash,
            "longest" => ResizeMode::Longest,
            other => return Err(MlError::InvalidModel(format!("preprocess_cfg.json: unknown resize_mode {other:?}"))),
        };
        if config.std.contains(&0.0) {
            return Err(MlError::InvalidModel("preprocess_cfg.json: std contains 0".to_owned()));
        }
        Ok(Self { width, height, mean: config.mean, std: config.std, algorithm, mode, fill_color: config.fill_color })
    }

    /// Values per image in the input tensor (3 × height × width).
    pub fn image_len(&self) -> usize {
        3 * self.width as usize * self.height as usize
    }

    pub fn shape(&self, batch: usize) -> [usize; 4] {
        [batch, 3, self.height as usize, self.width as usize]
    }

    /// Appends one image, as planar normalised RGB, to `out`.
    pub fn push(&self, image: &RgbImage, out: &mut Vec<f32>) -> Result<(), MlError> {
        if image.width() == 0 || image.height() == 0 {
            return Err(MlError::Inference("empty image".to_owned()));
        }
        let resized = self.resize(image)?;
        let plane = (self.width * self.height) as usize;
        let start = out.len();
        out.resize(start + 3 * plane, 0.0);
        let planes = &mut out[start..];
        for (i, pixel) in resized.pixels().enumerate() {
            for channel in 0..3 {
                let value = f32::from(pixel[channel]) / 255.0;
                planes[channel * plane + i] = (value - self.mean[channel]) / self.std[channel];
            }
        }
        Ok(())
    }

    /// Shape of a batch for models that normalise inside the graph: `[N, H, W, 3]` bytes.
    pub fn raw_shape(&self, batch: usize) -> [usize; 4] {
        [batch, self.height as usize, self.width as usize, 3]
    }

    /// Appends one image, resized and cropped but not normalised, as interleaved RGB bytes.
    pub fn push_raw(&self, image: &RgbImage, out: &mut Vec<u8>) -> Result<(), MlError> {
        if image.width() == 0 || image.height() == 0 {
            return Err(MlError::Inference("empty image".to_owned()));
        }
        out.extend_from_slice(self.resize(image)?.as_raw());
        Ok(())
    }

    fn resize(&self, image: &RgbImage) -> Result<RgbImage, MlError> {
        let options = ResizeOptions::new().resize_alg(self.algorithm);
        let mut resizer = Resizer::new();
        let error = |err: fast_image_resize::ResizeError| MlError::Inference(format!("resize: {err}"));
        match self.mode {
            ResizeMode::Shortest => {
                let mut out = RgbImage::new(self.width, self.height);
                resizer.resize(image, &mut out, &options.fit_into_destination(None)).map_err(error)?;
                Ok(out)
            }
            ResizeMode::Squash => {
                let mut out = RgbImage::new(self.width, self.height);
                resizer.resize(image, &mut out, &options).map_err(error)?;
                Ok(out)
            }
            ResizeMode::Longest => {
                let scale = f64::min(
                    f64::from(self.width) / f64::from(image.width()),
                    f64::from(self.height) / f64::from(image.height()),
                );
                let fitted_w = ((f64::from(image.width()) * scale).round() as u32).clamp(1, self.width);
                let fitted_h = ((f64::from(image.height()) * scale).round() as u32).clamp(1, self.height);
                let mut fitted = RgbImage::new(fitted_w, fitted_h);
                resizer.resize(image, &mut fitted, &options).map_err(error)?;
                let fill = image::Rgb([self.fill_color; 3]);
                let mut out = RgbImage::from_pixel(self.width, self.height, fill);
                let left = i64::from((self.width - fitted_w) / 2);
                let top = i64::from((self.height - fitted_h) / 2);
                image::imageops::replace(&mut out, &fitted, left, top);
                Ok(out)
            }
        }
    }
}
