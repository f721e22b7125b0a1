/**
 * Landmark indices of the MediaPipe 468-point face mesh that outline the face's regions (from
 * MediaPipe's published face_mesh_connections): the default generator models them separately, and
 * expressions, occluders and the bench's expression measures find brows, eyes and lips by them.
 */
export const meshGroups = {
  faceOval: [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93,
    234, 127, 162, 21, 54, 103, 67, 109,
  ],
  rightEye: [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173],
  leftEye: [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398],
  rightBrow: [46, 53, 52, 65, 55, 70, 63, 105, 66, 107],
  leftBrow: [276, 283, 282, 295, 285, 300, 293, 334, 296, 336],
  nose: [168, 6, 197, 195, 5, 4, 1, 19, 94, 2, 98, 327, 97, 326, 129, 358, 64, 294, 49, 279, 48, 278, 115, 344, 220, 440, 45, 275],
  lips: [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185],
} as const;
